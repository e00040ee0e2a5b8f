package io.clusterstarter.port;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Makes the primary's listening socket its standard input, the one descriptor besides output
 * and error that the JDK passes to a child process ({@code Redirect.INHERIT}); every worker then
 * finds the socket as {@link System#inheritedChannel()}. Java has no call that moves a
 * descriptor, so this is the starter's one native call, {@code dup2(2)}, made through the
 * Foreign Function and Memory API of Java 22 and later. The API is reached reflectively, so that
 * the starter still compiles and runs on Java 17, where the cluster falls back to
 * {@code SO_REUSEPORT}. The socket's descriptor number is found in {@code /proc/self/fd}, because
 * the JDK does not expose it without {@code --add-opens}.
 *
 * @author cluster-spring-boot-starter
 */
final class StandardInput {

	private static final int FOREIGN_FUNCTIONS = 22;

	private static final Path DESCRIPTORS = Path.of("/proc/self/fd");

	/** The state of a listening socket in the kernel's tables. */
	private static final String LISTEN = "0A";

	private StandardInput() {
	}

	/**
	 * Say why a socket cannot become standard input here.
	 * @return the reason, or {@code null} when it can
	 */
	static String unavailableReason() {
		return unavailableReason(Runtime.version().feature(), System.getProperty("os.name", ""));
	}

	static String unavailableReason(int javaFeature, String osName) {
		if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
			return "it finds the socket's descriptor in /proc, which " + osName + " does not have";
		}
		if (javaFeature < FOREIGN_FUNCTIONS) {
			return "it needs Java " + FOREIGN_FUNCTIONS + " or later to pass the socket to the workers (the "
					+ "Foreign Function API), and this is Java " + javaFeature;
		}
		if (!Files.isDirectory(DESCRIPTORS)) {
			return "/proc is not mounted";
		}
		return null;
	}

	/**
	 * Return whether native access is enabled for this code, so that the JDK will not warn
	 * when the socket is moved ({@code Enable-Native-Access: ALL-UNNAMED} in the jar's manifest,
	 * or {@code --enable-native-access=ALL-UNNAMED}).
	 * @return whether the call goes without the JDK's warning
	 */
	static boolean isNativeAccessEnabled() {
		try {
			Method enabled = Module.class.getMethod("isNativeAccessEnabled");
			return (boolean) enabled.invoke(StandardInput.class.getModule());
		}
		catch (ReflectiveOperationException ex) {
			return false;
		}
	}

	/**
	 * Make a listening socket this process's standard input. What was standard input is closed.
	 * @param channel the bound, listening socket
	 * @throws IOException if the socket's descriptor cannot be found or moved
	 */
	static void replaceWith(ServerSocketChannel channel) throws IOException {
		int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
		int descriptor = descriptorOf(port).orElseThrow(
				() -> new IOException("No descriptor of this process is the socket listening on port " + port));
		int result;
		try {
			result = (int) dup2().invoke(descriptor, 0);
		}
		catch (Throwable ex) {
			Throwable cause = (ex instanceof InvocationTargetException target) ? target.getCause() : ex;
			throw new IOException("dup2 could not be called: " + cause, cause);
		}
		if (result != 0) {
			throw new IOException("dup2(" + descriptor + ", 0) failed");
		}
	}

	/**
	 * Find the descriptor of this process's socket listening on a port: the kernel lists each
	 * listening socket of the network namespace, with its inode, in {@code /proc/net/tcp} and
	 * {@code tcp6}, and each descriptor of this process links to {@code socket:[inode]}.
	 * @param port the port
	 * @return the descriptor, if this process has one for that socket
	 * @throws IOException if {@code /proc} cannot be read
	 */
	static OptionalInt descriptorOf(int port) throws IOException {
		Set<String> sockets = new HashSet<>();
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			sockets.addAll(listeningInodes(Path.of(table), port));
		}
		try (Stream<Path> descriptors = Files.list(DESCRIPTORS)) {
			return descriptors.filter((descriptor) -> sockets.contains(socketInode(descriptor)))
				.mapToInt((descriptor) -> Integer.parseInt(descriptor.getFileName().toString()))
				.findFirst();
		}
	}

	/**
	 * Read the inodes of the sockets listening on a port from one of the kernel's tables.
	 */
	static Set<String> listeningInodes(Path table, int port) {
		String hexPort = String.format(":%04X", port);
		Set<String> inodes = new HashSet<>();
		try {
			for (String line : Files.readAllLines(table)) {
				String[] fields = line.trim().split("\\s+");
				// sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
				if (fields.length > 9 && fields[1].endsWith(hexPort) && LISTEN.equals(fields[3])) {
					inodes.add(fields[9]);
				}
			}
		}
		catch (IOException ex) {
			// No such table (IPv6 off): the other one decides
		}
		return inodes;
	}

	private static String socketInode(Path descriptor) {
		try {
			String link = Files.readSymbolicLink(descriptor).toString();
			return (link.startsWith("socket:[") && link.endsWith("]")) ? link.substring(8, link.length() - 1) : null;
		}
		catch (IOException ex) {
			return null; // closed while listed
		}
	}

	/**
	 * {@code int dup2(int, int)} from the C library, through {@code java.lang.foreign}.
	 */
	private static MethodHandle dup2() throws ReflectiveOperationException {
		Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
		Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
		Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
		Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
		Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
		Object linker = linkerType.getMethod("nativeLinker").invoke(null);
		Object lookup = linkerType.getMethod("defaultLookup").invoke(linker);
		Optional<?> symbol = (Optional<?>) Class.forName("java.lang.foreign.SymbolLookup")
			.getMethod("find", String.class)
			.invoke(lookup, "dup2");
		Object javaInt = Class.forName("java.lang.foreign.ValueLayout").getField("JAVA_INT").get(null);
		Object arguments = Array.newInstance(layoutType, 2);
		Array.set(arguments, 0, javaInt);
		Array.set(arguments, 1, javaInt);
		Object signature = descriptorType.getMethod("of", layoutType, arguments.getClass())
			.invoke(null, javaInt, arguments);
		return (MethodHandle) linkerType.getMethod("downcallHandle", segmentType, descriptorType, Array
			.newInstance(optionType, 0)
			.getClass())
			.invoke(linker, symbol.orElseThrow(() -> new NoSuchMethodException("dup2")), signature,
					Array.newInstance(optionType, 0));
	}

}
