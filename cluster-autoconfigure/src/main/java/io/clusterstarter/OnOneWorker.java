package io.clusterstarter;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method in one worker of the cluster only: the <em>lead worker</em>, which
 * the primary chooses among the serving workers. Put it beside {@code @Scheduled} for a job that
 * must run once per cluster, not once per worker (a nightly report, a clean-up, a poll of an
 * outside system):
 *
 * <pre class="code">
 * &#064;Scheduled(cron = "0 0 3 * * *")
 * &#064;OnOneWorker
 * void nightlyReport() { … }
 * </pre>
 *
 * In every other worker a call returns at once without running ({@code null} for a method that
 * returns a value). When the lead worker leaves (it crashes, is disconnected, recycled or
 * replaced in a rolling restart) the primary gives the lead to another serving worker, but only
 * once the previous lead has finished the calls it had started, or has exited: two workers never
 * run these methods at the same time. Without clustering the method always runs.
 * <p>
 * The method must be on a Spring bean and be called through it, as for {@code @Async}: a call
 * from within the same object is not intercepted. Methods with a primitive return type are
 * refused at start-up, since a skipped call has no value to return.
 *
 * @author cluster-spring-boot-starter
 * @see CurrentWorker#isLead()
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnOneWorker {

}
