/**
 * The bytecode transform: one method ({@link org.jstackless.weaver.transform.MethodWeaver}: prologue,
 * tick points, call sites, unwind and restore blocks) and the class around it
 * ({@link org.jstackless.weaver.transform.ClassTransform}: re-entry dispatcher, method-reference aliases,
 * stamp). Not API.
 */
package org.jstackless.weaver.transform;
