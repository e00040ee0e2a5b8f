package io.clusterstarter.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A plain Spring Boot web application. With the cluster starter on the class path,
 * {@code java -jar sample-app.jar} starts a primary that forks the workers.
 *
 * @author cluster-spring-boot-starter
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
