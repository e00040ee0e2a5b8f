package io.clusterstarter.autoconfigure;

import io.clusterstarter.worker.WorkerPropertySource;
import io.clusterstarter.worker.WorkerRuntime;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Condition behind {@link ConditionalOnClusterWorker}: the environment carries the worker's
 * property source.
 *
 * @author cluster-spring-boot-starter
 */
class OnClusterWorkerCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		WorkerRuntime runtime = (context.getEnvironment() instanceof ConfigurableEnvironment environment)
				? WorkerPropertySource.runtimeOf(environment) : null;
		return (runtime != null) ? ConditionOutcome.match("this JVM is cluster worker " + runtime.id())
				: ConditionOutcome.noMatch("this JVM is not a cluster worker");
	}

}
