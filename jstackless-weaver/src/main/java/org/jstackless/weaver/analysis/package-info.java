/**
 * What the weaver learns about code before changing it, each analysis in a file of its own: the
 * class-file hierarchy and which methods are suspendable ({@link org.jstackless.weaver.analysis.ClassHierarchy}),
 * types at each instruction ({@link org.jstackless.weaver.analysis.TypeVerifier}), live locals
 * ({@link org.jstackless.weaver.analysis.Liveness}), held monitors ({@link org.jstackless.weaver.analysis.Monitors}),
 * lambdas and method references ({@link org.jstackless.weaver.analysis.Lambdas}) and the pickle fingerprint of
 * the original code ({@link org.jstackless.weaver.analysis.Canonical}). Not API: used by the weaver's other packages.
 */
package org.jstackless.weaver.analysis;
