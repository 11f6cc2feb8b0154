/** Durable tasklets on a cluster of JVMs: Apache Pekko Cluster places them, PostgreSQL keeps them (docs/cluster.md). */
package org.jstackless.cluster;
