/**
 * The build-time rules of soft switching (DESIGN §5) and the decision of what to weave
 * ({@link org.jstackless.weaver.rules.Rules}). Not API.
 */
package org.jstackless.weaver.rules;
