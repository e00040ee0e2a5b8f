package io.clusterstarter.event;

import io.clusterstarter.Worker;

/**
 * A web server in a worker is bound. Published once for the application's server and, with a
 * separate {@code management.server.port}, once more with namespace {@code management}.
 *
 * @author cluster-spring-boot-starter
 */
public class WorkerListeningEvent extends WorkerEvent {

	private final String address;

	private final int port;

	private final String namespace;

	/**
	 * Create an event.
	 * @param worker the worker
	 * @param address the bound address
	 * @param port the bound port
	 * @param namespace the server namespace, {@code null} for the application's server
	 */
	public WorkerListeningEvent(Worker worker, String address, int port, String namespace) {
		super(worker);
		this.address = address;
		this.port = port;
		this.namespace = namespace;
	}

	/**
	 * Return the bound address.
	 * @return the address
	 */
	public String getAddress() {
		return this.address;
	}

	/**
	 * Return the bound port.
	 * @return the port
	 */
	public int getPort() {
		return this.port;
	}

	/**
	 * Return the server namespace: {@code null} for the application's server,
	 * {@code management} for a separate management server.
	 * @return the namespace
	 */
	public String getNamespace() {
		return this.namespace;
	}

}
