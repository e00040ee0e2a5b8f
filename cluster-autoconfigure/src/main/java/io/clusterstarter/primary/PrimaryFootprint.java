package io.clusterstarter.primary;

import java.lang.management.ManagementFactory;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Makes the primary small once the cluster is up. The primary serves no traffic and creates no
 * application context, but its JVM keeps the heap it grew while it read the configuration and
 * forked the workers. A full collection with the heap's free ratios lowered lets G1 (and the
 * other collectors that shrink) return that memory to the operating system; both ratios are
 * {@code manageable}, so they can change in a running JVM.
 *
 * @author cluster-spring-boot-starter
 */
final class PrimaryFootprint {

	private static final Log logger = LogFactory.getLog(PrimaryFootprint.class);

	private PrimaryFootprint() {
	}

	/**
	 * Give back the memory the primary no longer needs.
	 */
	static void trim() {
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
	}

	private static boolean isDefault(HotSpotDiagnosticMXBean hotSpot, String option) {
		return hotSpot.getVMOption(option).getOrigin() == com.sun.management.VMOption.Origin.DEFAULT;
	}

}
