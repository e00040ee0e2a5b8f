package io.clusterstarter.worker;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Tells the primary, once a worker is ready, what of the application's data every worker has
 * or does on its own: an embedded in-memory database (H2, HSQLDB or Derby in memory, Spring
 * Boot's default when one is on the class path), of which each worker has its own, so that what
 * one worker writes the others never read; and SQL initialisation with
 * {@code spring.sql.init.mode=always}, which runs in every worker and in the worker image's
 * training run. The primary warns once for the cluster.
 *
 * @author cluster-spring-boot-starter
 */
public class DatabaseNotices implements ApplicationListener<ApplicationReadyEvent> {

	private static final Log logger = LogFactory.getLog(DatabaseNotices.class);

	private final WorkerRuntime runtime;

	private final ObjectProvider<DataSource> dataSources;

	private final Environment environment;

	/**
	 * Create the notices.
	 * @param runtime this worker's link to the primary
	 * @param dataSources the application's data sources
	 * @param environment the application's environment
	 */
	public DatabaseNotices(WorkerRuntime runtime, ObjectProvider<DataSource> dataSources, Environment environment) {
		this.runtime = runtime;
		this.dataSources = dataSources;
		this.environment = environment;
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		boolean anyDataSource = false;
		for (DataSource dataSource : this.dataSources) {
			anyDataSource = true;
			String url = inMemoryUrl(dataSource);
			if (url != null) {
				this.runtime.notice("in-memory-database", "Each worker has an in-memory database of its own (" + url
						+ "): what one worker writes, the others never read, and a replacement starts with an empty "
						+ "one, so a record created through one worker is not found through another. Use a database "
						+ "server that every worker connects to, or run one worker (cluster.workers=1)", true);
			}
		}
		if (anyDataSource && "always".equalsIgnoreCase(this.environment.getProperty("spring.sql.init.mode", ""))) {
			this.runtime.notice("sql-init-always", "spring.sql.init.mode=always runs the schema and data scripts in "
					+ "every worker as it starts, and in the worker image's training run: with N workers they run N + 1 "
					+ "times, at the same time. Make them idempotent, or migrate with Flyway or Liquibase (which lock "
					+ "the database while they migrate), and keep them out of the training run with a profile "
					+ "(cluster.image.training-args=--spring.profiles.active=training)", false);
		}
	}

	/** The data source's URL when it is an embedded database in memory, else {@code null}. */
	private static String inMemoryUrl(DataSource dataSource) {
		try {
			if (!EmbeddedDatabaseConnection.isEmbedded(dataSource)) {
				return null;
			}
			try (Connection connection = dataSource.getConnection()) {
				return connection.getMetaData().getURL();
			}
		}
		catch (SQLException | RuntimeException ex) {
			// A database that cannot be reached is none of this check's business
			logger.debug("Could not tell whether a data source is in memory", ex);
			return null;
		}
	}

}
