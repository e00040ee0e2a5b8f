package io.clusterstarter.upgrade;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

import org.springframework.util.FileSystemUtils;

/**
 * Gives each test a temporary directory of its own as {@code java.io.tmpdir}, removed after it,
 * so that the user's private directory (upgrade sockets and notes) is made there rather than in
 * the machine's.
 *
 * @author cluster-spring-boot-starter
 */
class OwnTemporaryDirectory implements BeforeEachCallback, AfterEachCallback {

	private static final Namespace NAMESPACE = Namespace.create(OwnTemporaryDirectory.class);

	private static final String PROPERTY = "java.io.tmpdir";

	@Override
	public void beforeEach(ExtensionContext context) throws Exception {
		String machine = System.getProperty(PROPERTY);
		Path own = Files.createTempDirectory("cluster-test-");
		context.getStore(NAMESPACE).put("machine", machine);
		context.getStore(NAMESPACE).put("own", own);
		System.setProperty(PROPERTY, own.toString());
	}

	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		System.setProperty(PROPERTY, context.getStore(NAMESPACE).get("machine", String.class));
		FileSystemUtils.deleteRecursively(context.getStore(NAMESPACE).get("own", Path.class));
	}

}
