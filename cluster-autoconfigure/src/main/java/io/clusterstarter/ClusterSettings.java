package io.clusterstarter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What later forks are made with, after Node's {@code cluster.settings}. Immutable; build one with
 * {@link #builder()} and pass it to {@link Cluster#setupPrimary(ClusterSettings)}, where unset
 * fields keep their current value.
 *
 * @param execArgv JVM options added after the primary's own
 * @param args program arguments added after the primary's own
 * @param env environment variables merged over the primary's environment
 * @param silent whether worker output is discarded instead of relayed to the primary's output
 * @param workingDirectory the workers' working directory, {@code null} for the primary's
 * @author cluster-spring-boot-starter
 */
public record ClusterSettings(List<String> execArgv, List<String> args, Map<String, String> env, Boolean silent,
		Path workingDirectory) {

	/**
	 * Create settings; {@code null} fields mean "unchanged" when merged.
	 */
	public ClusterSettings {
		execArgv = (execArgv != null) ? List.copyOf(execArgv) : null;
		args = (args != null) ? List.copyOf(args) : null;
		env = (env != null) ? Map.copyOf(env) : null;
	}

	/**
	 * Return settings with the non-{@code null} fields of {@code changes} applied over these.
	 * @param changes the changes
	 * @return the merged settings
	 */
	public ClusterSettings merge(ClusterSettings changes) {
		return new ClusterSettings((changes.execArgv != null) ? changes.execArgv : this.execArgv,
				(changes.args != null) ? changes.args : this.args, (changes.env != null) ? changes.env : this.env,
				(changes.silent != null) ? changes.silent : this.silent,
				(changes.workingDirectory != null) ? changes.workingDirectory : this.workingDirectory);
	}

	/**
	 * Return whether worker output is discarded.
	 * @return whether the settings say silent
	 */
	public boolean isSilent() {
		return Boolean.TRUE.equals(this.silent);
	}

	/**
	 * Start building settings.
	 * @return a builder with every field unset
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Builds {@link ClusterSettings}.
	 */
	public static final class Builder {

		private List<String> execArgv;

		private List<String> args;

		private Map<String, String> env;

		private Boolean silent;

		private Path workingDirectory;

		private Builder() {
		}

		/**
		 * Set the JVM options added after the primary's own.
		 * @param execArgv the options
		 * @return this builder
		 */
		public Builder execArgv(List<String> execArgv) {
			this.execArgv = new ArrayList<>(execArgv);
			return this;
		}

		/**
		 * Set the program arguments added after the primary's own.
		 * @param args the arguments
		 * @return this builder
		 */
		public Builder args(List<String> args) {
			this.args = new ArrayList<>(args);
			return this;
		}

		/**
		 * Set the environment variables merged over the primary's environment.
		 * @param env the variables
		 * @return this builder
		 */
		public Builder env(Map<String, String> env) {
			this.env = new LinkedHashMap<>(env);
			return this;
		}

		/**
		 * Set whether worker output is discarded.
		 * @param silent whether to discard worker output
		 * @return this builder
		 */
		public Builder silent(boolean silent) {
			this.silent = silent;
			return this;
		}

		/**
		 * Set the workers' working directory.
		 * @param workingDirectory the directory
		 * @return this builder
		 */
		public Builder workingDirectory(Path workingDirectory) {
			this.workingDirectory = workingDirectory;
			return this;
		}

		/**
		 * Build the settings.
		 * @return the settings
		 */
		public ClusterSettings build() {
			return new ClusterSettings(this.execArgv, this.args, this.env, this.silent, this.workingDirectory);
		}

	}

}
