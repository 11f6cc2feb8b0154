/**
 * The weaver's side of its contract with the soft runtime ({@link org.jstackless.weaver.abi.Abi}),
 * checked against the core's side by the core's {@code AbiContractTest}.
 */
package org.jstackless.weaver.abi;
