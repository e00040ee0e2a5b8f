package io.clusterstarter.primary;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import io.clusterstarter.autoconfigure.ClusterConfigurationException;
import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.port.AcceptQueue;
import io.clusterstarter.port.PortReservation;
import io.clusterstarter.upgrade.Successor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.env.Environment;

/**
 * The ports the primary holds for its workers while it runs: {@code server.port}, listened on
 * as the cluster's one accept queue or reserved for the workers' {@code SO_REUSEPORT} listeners
 * ({@code cluster.balancing}), and a separate {@code management.server.port}, always reserved for
 * {@code SO_REUSEPORT}: only standard input, output and error pass to a child process, so there
 * is room for one inherited socket, and the management port carries probes and scrapes, where
 * the kernel's hash does no harm.
 *
 * @author cluster-spring-boot-starter
 */
final class ClusterPorts implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ClusterPorts.class);

	/** Tomcat's default {@code server.tomcat.accept-count}. */
	private static final int DEFAULT_BACKLOG = 100;

	private final List<PortReservation> reservations = new ArrayList<>();

	private final Environment environment;

	private Integer port;

	private Integer managementPort;

	private AcceptQueue acceptQueue;

	private ClusterPorts(Environment environment) {
		this.environment = environment;
	}

	/**
	 * Take the application's ports, before anything is forked.
	 * @param environment the application's environment
	 * @param properties the cluster's properties
	 * @param port the application's port, or {@code null} without a web server
	 * @return the ports, to close when the cluster stops
	 */
	static ClusterPorts take(Environment environment, ClusterProperties properties, Integer port) {
		ClusterPorts ports = new ClusterPorts(environment);
		try {
			ports.takeServerPort(port, properties.getBalancing());
			ports.takeManagementPort();
			return ports;
		}
		catch (RuntimeException ex) {
			ports.close();
			throw ex;
		}
	}

	/**
	 * Take over the ports of the primary that started this one for an upgrade: its listening
	 * socket, inherited, or its place in the {@code SO_REUSEPORT} groups. Its workers' model is
	 * kept whatever {@code cluster.balancing} says, since the two primaries' workers share the
	 * port until the old ones have left.
	 * @param environment the application's environment
	 * @param successor what the old primary passed
	 * @return the ports, to close when the cluster stops
	 */
	static ClusterPorts takeOver(Environment environment, Successor successor) {
		ClusterPorts ports = new ClusterPorts(environment);
		ProcessHandle predecessor = ProcessHandle.of(successor.predecessorPid()).orElse(null);
		try {
			if (successor.port() != null) {
				String from = "taken over from the old primary, pid " + successor.predecessorPid();
				PortReservation inherited = PortReservation.inherit(successor.port(), predecessor);
				ports.acceptQueue = (inherited != null) ? new AcceptQueue(true, from, false)
						: AcceptQueue.reusePort(from);
				ports.reservations.add((inherited != null) ? inherited : join(environment, "server.address",
						successor.port(), predecessor));
				ports.port = successor.port();
				logger.info(ports.acceptQueue.describe(ports.port));
			}
			if (successor.managementPort() != null) {
				ports.reservations.add(join(environment, "management.server.address", successor.managementPort(),
						predecessor));
				ports.managementPort = successor.managementPort();
			}
			return ports;
		}
		catch (IOException ex) {
			ports.close();
			throw new ClusterConfigurationException("Could not take over the old primary's ports: " + ex.getMessage(),
					"Check the old primary's log; it carries on with its workers.");
		}
		catch (RuntimeException ex) {
			ports.close();
			throw ex;
		}
	}

	private void takeServerPort(Integer requested, ClusterProperties.Balancing balancing) {
		if (requested == null) {
			return;
		}
		AcceptQueue queue = chooseAcceptQueue(balancing);
		PortReservation reservation = queue.shared() ? listenForWorkers(requested, balancing) : null;
		if (queue.shared() && reservation == null) {
			queue = AcceptQueue.reusePort("the socket could not be passed to the workers");
		}
		if (reservation == null) {
			reservation = reserve("server.address", requested);
		}
		this.reservations.add(reservation);
		this.port = reservation.port();
		this.acceptQueue = queue;
		logger.info(queue.describe(this.port));
	}

	/**
	 * Listen on the port and pass the socket to the workers.
	 * @return the listening socket, or {@code null} to fall back to {@code SO_REUSEPORT}
	 */
	private PortReservation listenForWorkers(int requested, ClusterProperties.Balancing balancing) {
		InetAddress address = this.environment.getProperty("server.address", InetAddress.class);
		int backlog = this.environment.getProperty("server.tomcat.accept-count", Integer.class, DEFAULT_BACKLOG);
		PortReservation listening = take("server.address", requested,
				() -> PortReservation.listen(address, requested, backlog));
		try {
			listening.handToWorkers();
			return listening;
		}
		catch (IOException ex) {
			listening.close();
			if (balancing == ClusterProperties.Balancing.SHARED_QUEUE) {
				throw new ClusterConfigurationException(
						"cluster.balancing=shared-queue, but the listening socket could not be passed to the workers: "
								+ ex.getMessage(),
						"Set 'cluster.balancing=reuse-port' or 'auto'.");
			}
			logger.warn("Could not pass the listening socket to the workers (" + ex.getMessage()
					+ "); falling back to SO_REUSEPORT");
			return null;
		}
	}

	private static AcceptQueue chooseAcceptQueue(ClusterProperties.Balancing balancing) {
		try {
			return AcceptQueue.choose(switch (balancing) {
				case SHARED_QUEUE -> AcceptQueue.SHARED_QUEUE;
				case REUSE_PORT -> AcceptQueue.REUSE_PORT;
				case AUTO -> null;
			});
		}
		catch (IllegalStateException ex) {
			throw new ClusterConfigurationException("cluster.balancing=shared-queue, but " + ex.getMessage() + ".",
					"Run the application on Linux with Java 22 or later, or set 'cluster.balancing=auto' (the shared "
							+ "queue where it is available) or 'reuse-port'.");
		}
	}

	private void takeManagementPort() {
		if (this.port == null) {
			return;
		}
		Integer requested = this.environment.getProperty("management.server.port", Integer.class);
		if (requested == null || requested < 0 || requested.equals(this.port)) {
			return;
		}
		PortReservation reserved = reserve("management.server.address", requested);
		this.reservations.add(reserved);
		this.managementPort = reserved.port();
	}

	private static PortReservation join(Environment environment, String addressProperty, int port,
			ProcessHandle predecessor) throws IOException {
		return PortReservation.join(environment.getProperty(addressProperty, InetAddress.class), port, predecessor);
	}

	private PortReservation reserve(String addressProperty, int port) {
		InetAddress address = this.environment.getProperty(addressProperty, InetAddress.class);
		return take(addressProperty, port, () -> PortReservation.reserve(address, port));
	}

	private static PortReservation take(String addressProperty, int port, Reservation reservation) {
		try {
			return reservation.take();
		}
		catch (IOException ex) {
			throw new ClusterConfigurationException("Could not reserve port " + port + ": " + ex.getMessage(),
					"Check that the port and '" + addressProperty + "' are valid on this host.");
		}
	}

	/**
	 * Return the application's port, as the workers share it.
	 * @return the port, or {@code null} without a web server
	 */
	Integer port() {
		return this.port;
	}

	/**
	 * Return the separate management port.
	 * @return the port, or {@code null} without one
	 */
	Integer managementPort() {
		return this.managementPort;
	}

	/**
	 * Return how connections on the application's port reach the workers.
	 * @return the model, or {@code null} without a web server
	 */
	AcceptQueue acceptQueue() {
		return this.acceptQueue;
	}

	@Override
	public void close() {
		this.reservations.forEach(PortReservation::close);
	}

	@FunctionalInterface
	private interface Reservation {

		PortReservation take() throws IOException;

	}

}
