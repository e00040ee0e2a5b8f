package io.clusterstarter.worker;

import java.lang.reflect.Method;
import java.util.function.Supplier;

import io.clusterstarter.OnOneWorker;
import org.aopalliance.intercept.MethodInterceptor;

import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.util.ReflectionUtils;

/**
 * Advises the beans that have {@link OnOneWorker @OnOneWorker} methods, as Spring's
 * {@code AsyncAnnotationBeanPostProcessor} does for {@code @Async}: a call runs only while this
 * worker is the lead worker, and returns without running otherwise. The advice goes before any
 * other on the bean, so that a skipped call opens no transaction and takes no lock.
 *
 * @author cluster-spring-boot-starter
 */
public class OnOneWorkerBeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

	/**
	 * Create the post-processor.
	 * @param lead this worker's lead state, looked up at the first call
	 */
	public OnOneWorkerBeanPostProcessor(Supplier<LeadWorker> lead) {
		MethodInterceptor interceptor = (invocation) -> {
			LeadWorker current = lead.get();
			if (!current.enter()) {
				return null;
			}
			try {
				return invocation.proceed();
			}
			finally {
				current.leave();
			}
		};
		this.advisor = new DefaultPointcutAdvisor(AnnotationMatchingPointcut.forMethodAnnotation(OnOneWorker.class),
				interceptor);
		setBeforeExistingAdvisors(true);
	}

	@Override
	protected boolean isEligible(Class<?> targetClass) {
		boolean eligible = super.isEligible(targetClass);
		if (eligible) {
			ReflectionUtils.doWithMethods(targetClass, OnOneWorkerBeanPostProcessor::refusePrimitive,
					(method) -> method.isAnnotationPresent(OnOneWorker.class));
		}
		return eligible;
	}

	private static void refusePrimitive(Method method) {
		if (method.getReturnType().isPrimitive() && method.getReturnType() != void.class) {
			throw new BeanInitializationException("@OnOneWorker method " + method.getDeclaringClass().getName() + "."
					+ method.getName() + " returns " + method.getReturnType()
					+ ": a call skipped on the workers that are not the lead has no value to return. Return void "
					+ "or an object.");
		}
	}

}
