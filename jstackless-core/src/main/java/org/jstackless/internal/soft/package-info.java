/**
 * The weaver-runtime ABI, exported: the types woven code (in any module) touches and nothing else.
 * {@link org.jstackless.internal.soft.SoftContext} (the per-thread state woven entries, call sites
 * and tick points read and write), {@link org.jstackless.internal.soft.Frame} (a saved activation),
 * {@link org.jstackless.internal.soft.FrameStore} (the running strand as SoftContext reaches it),
 * {@link org.jstackless.internal.soft.MethodInfo} (a woven method's facts, a dynamic constant),
 * {@link org.jstackless.internal.soft.Preemption} (the tick budget and its slow path),
 * {@link org.jstackless.internal.soft.Reentry} (a woven class's dispatcher), and the annotations
 * {@link org.jstackless.internal.soft.Woven}, {@link org.jstackless.internal.soft.WovenMethod} and
 * {@link org.jstackless.internal.soft.Boundary}. The weaver writes the same contract in its
 * {@code org.jstackless.weaver.abi.Abi}; {@code AbiContractTest} checks that they agree. This
 * package depends on nothing else of the module: the soft runtime that implements it
 * ({@code org.jstackless.internal.soft.runtime}, not exported) plugs in through
 * {@link org.jstackless.internal.soft.SoftContext.Hooks}.
 */
package org.jstackless.internal.soft;
