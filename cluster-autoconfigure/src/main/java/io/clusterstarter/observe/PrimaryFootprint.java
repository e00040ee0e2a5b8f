package io.clusterstarter.observe;

import java.lang.management.ManagementFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Makes the primary small once the cluster is up. The primary serves no traffic and creates no
 * application context, but its JVM keeps the heap it grew while it read the configuration and
 * forked the workers. A full collection with the heap's free ratios lowered lets G1 (and the
 * other collectors that shrink) return that memory to the operating system; both ratios are
 * {@code manageable}, so they can change in a running JVM. Then the C library gives back the
 * native memory the JIT compilers and the start-up freed but kept in its arenas
 * ({@code jcmd System.trim_native_heap}, about 20 MB of the primary's 110 MB on JDK 17).
 *
 * @author cluster-spring-boot-starter
 */
public final class PrimaryFootprint {

	private static final Log logger = LogFactory.getLog(PrimaryFootprint.class);

	private PrimaryFootprint() {
	}

	/**
	 * Give back the memory the primary no longer needs.
	 */
	public static void trim() {
		try {
			HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
			if (hotSpot != null && isDefault(hotSpot, "MinHeapFreeRatio") && isDefault(hotSpot, "MaxHeapFreeRatio")) {
				// The minimum first: the maximum may never be below it
				hotSpot.setVMOption("MinHeapFreeRatio", "5");
				hotSpot.setVMOption("MaxHeapFreeRatio", "10");
			}
		}
		catch (RuntimeException ex) {
			// Not HotSpot, or the options are not manageable here: the collection still helps
			logger.debug("Could not lower the primary's heap free ratios", ex);
		}
		System.gc();
		trimNativeHeap();
	}

	private static void trimNativeHeap() {
		try {
			ObjectName diagnostics = new ObjectName("com.sun.management:type=DiagnosticCommand");
			MBeanServer server = ManagementFactory.getPlatformMBeanServer();
			server.invoke(diagnostics, "systemTrimNativeHeap", new Object[] { new String[0] },
					new String[] { String[].class.getName() });
		}
		catch (JMException | RuntimeException ex) {
			// Not glibc, or a JVM without the command: the heap's memory is given back anyway
			logger.debug("Could not trim the primary's native heap", ex);
		}
	}

	private static boolean isDefault(HotSpotDiagnosticMXBean hotSpot, String option) {
		return hotSpot.getVMOption(option).getOrigin() == com.sun.management.VMOption.Origin.DEFAULT;
	}

}
