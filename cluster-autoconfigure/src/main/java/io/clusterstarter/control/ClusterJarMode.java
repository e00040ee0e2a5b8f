package io.clusterstarter.control;

import java.util.List;

import org.springframework.boot.loader.jarmode.JarMode;

/**
 * The {@code cluster} jar mode: {@code java -Djarmode=cluster -jar app.jar status} runs the
 * {@link ClusterCommandLine} from the application's own executable jar, so that nothing else is
 * installed. Spring Boot's launcher finds it in {@code META-INF/spring.factories}, as it finds
 * the {@code tools} mode, and never starts the application.
 *
 * @author cluster-spring-boot-starter
 */
public class ClusterJarMode implements JarMode {

	@Override
	public boolean accepts(String mode) {
		return "cluster".equals(mode);
	}

	@Override
	public void run(String mode, String[] args) {
		int status = new ClusterCommandLine(System.getenv(), System.out, System.err).run(List.of(args));
		System.out.flush();
		// The launcher would exit 0 (or 1 with a stack trace): the status tells scripts what happened
		System.exit(status);
	}

}
