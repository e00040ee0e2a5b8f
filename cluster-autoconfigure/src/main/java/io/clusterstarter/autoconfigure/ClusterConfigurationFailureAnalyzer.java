package io.clusterstarter.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link ClusterConfigurationException} as Spring Boot's failure analysis.
 *
 * @author cluster-spring-boot-starter
 */
class ClusterConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<ClusterConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ClusterConfigurationException cause) {
		return new FailureAnalysis(cause.getDescription(), cause.getAction(), cause);
	}

}
