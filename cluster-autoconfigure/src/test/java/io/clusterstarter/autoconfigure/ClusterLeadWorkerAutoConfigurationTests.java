package io.clusterstarter.autoconfigure;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.clusterstarter.OnOneWorker;
import io.clusterstarter.worker.OnOneWorkerBeanPostProcessor;
import io.clusterstarter.worker.TestWorkerRuntimes;
import io.clusterstarter.worker.WorkerPropertySource;
import io.clusterstarter.worker.WorkerRuntime;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClusterLeadWorkerAutoConfiguration}.
 */
class ClusterLeadWorkerAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterLeadWorkerAutoConfiguration.class))
		.withUserConfiguration(JobConfiguration.class);

	@Test
	void withoutClusteringTheMethodAlwaysRuns() {
		this.runner.run((context) -> {
			Job job = context.getBean(Job.class);
			job.run();
			job.run();
			assertThat(job.runs()).hasValue(2);
			assertThat(job.other()).isEqualTo("ran");
		});
	}

	@Test
	void inAWorkerTheMethodRunsOnlyWhileItIsTheLead() {
		WorkerRuntime runtime = TestWorkerRuntimes.unconnected(3, 1);
		this.runner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new WorkerPropertySource(runtime, Map.of())))
			.run((context) -> {
				Job job = context.getBean(Job.class);
				job.run();
				assertThat(job.runs()).hasValue(0);
				assertThat(job.other()).isNull();
				TestWorkerRuntimes.lead(runtime, true);
				assertThat(runtime.isLead()).isTrue();
				job.run();
				assertThat(job.runs()).hasValue(1);
				TestWorkerRuntimes.lead(runtime, false);
				job.run();
				assertThat(job.runs()).hasValue(1);
				job.unannotated();
				assertThat(job.unannotatedRuns()).hasValue(1);
			});
	}

	@Test
	void methodThatReturnsAPrimitiveIsRefusedAtStartUp() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ClusterLeadWorkerAutoConfiguration.class))
			.withBean(PrimitiveJob.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("@OnOneWorker method")
				.hasMessageContaining("returns int"));
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnPostProcessor() {
		this.runner.withBean("custom", OnOneWorkerBeanPostProcessor.class, () -> new OnOneWorkerBeanPostProcessor(
				io.clusterstarter.worker.LeadWorker::always))
			.run((context) -> assertThat(context).getBeans(OnOneWorkerBeanPostProcessor.class).containsOnlyKeys("custom"));
	}

	@Configuration(proxyBeanMethods = false)
	static class JobConfiguration {

		@Bean
		Job job() {
			return new Job();
		}

	}

	static class Job {

		final AtomicInteger runs = new AtomicInteger();

		final AtomicInteger unannotatedRuns = new AtomicInteger();

		@OnOneWorker
		void run() {
			this.runs.incrementAndGet();
		}

		@OnOneWorker
		String other() {
			return "ran";
		}

		void unannotated() {
			this.unannotatedRuns.incrementAndGet();
		}

		// Read through methods: the fields of the proxy are not the target's
		AtomicInteger runs() {
			return this.runs;
		}

		AtomicInteger unannotatedRuns() {
			return this.unannotatedRuns;
		}

	}

	static class PrimitiveJob {

		@OnOneWorker
		int count() {
			return 1;
		}

	}

}
