package io.clusterstarter.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches only in a cluster worker, so that a plain application never binds with
 * {@code SO_REUSEPORT} and silently shares its port with another process.
 *
 * @author cluster-spring-boot-starter
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(OnClusterWorkerCondition.class)
public @interface ConditionalOnClusterWorker {

}
