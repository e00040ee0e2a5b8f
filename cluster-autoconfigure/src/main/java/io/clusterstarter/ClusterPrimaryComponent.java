package io.clusterstarter;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class as a bean of the primary. The primary never creates the application's context;
 * it creates a small context of its own from the classes carrying this annotation, found in the
 * packages of the application's main class, so they can listen to cluster events with
 * {@code @EventListener} and inject {@link Cluster}.
 * <p>
 * The annotation is deliberately not a {@code @Component}: component scanning in the workers
 * ignores these classes, so they run in the primary only.
 *
 * @author cluster-spring-boot-starter
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ClusterPrimaryComponent {

}
