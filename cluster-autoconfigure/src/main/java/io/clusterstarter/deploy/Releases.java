package io.clusterstarter.deploy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which release the cluster runs where: the current one (new slots start with it), the previous
 * one (a failed deploy rolls back to it), and the release of every slot, which is the release of
 * the last worker that came to serve in it. A crash replacement, a recycle or a rolling restart
 * forks its slot's release, so a slot never changes release by accident. A release nobody uses
 * any more is closed, which lets its private copy and image go. Used on the cluster's event loop
 * only.
 *
 * @author cluster-spring-boot-starter
 */
public final class Releases {

	private Release current;

	private Release previous;

	private final Map<Integer, Release> bySlot = new HashMap<>();

	private final List<Release> open = new ArrayList<>();

	/** The release a deploy under way moves the slots to, kept while it runs. */
	private Release deploying;

	/**
	 * Start with the release the primary was launched with.
	 * @param launched the launched release, current and open
	 */
	public Releases(Release launched) {
		this.current = launched;
		this.open.add(launched);
	}

	/**
	 * Return the current release: new slots start with it.
	 * @return the current release
	 */
	public Release current() {
		return this.current;
	}

	/**
	 * Return the release before the current one, or {@code null} before the first deploy.
	 * @return the previous release
	 */
	public Release previous() {
		return this.previous;
	}

	/**
	 * Return the release a fork into the slot runs.
	 * @param slot the slot
	 * @return its release
	 */
	public Release forSlot(int slot) {
		return this.bySlot.getOrDefault(slot, this.current);
	}

	/**
	 * Note the release a deploy starts moving the slots to: kept until the deploy ends.
	 */
	void deploying(Release release) {
		if (!this.open.contains(release)) {
			this.open.add(release);
		}
		this.deploying = release;
	}

	/**
	 * Return an open release with this content, such as the previous one deployed again: its
	 * image is ready already.
	 */
	Release withContent(String sha256) {
		return this.open.stream().filter((release) -> release.hasContent(sha256)).findFirst().orElse(null);
	}

	/**
	 * The deploy has ended, completed or not.
	 */
	void deployEnded() {
		this.deploying = null;
	}

	/**
	 * A worker serves (listening and ready): its slot now runs its release.
	 * @param slot the worker's slot
	 * @param release the worker's release
	 */
	public void served(int slot, Release release) {
		this.bySlot.put(slot, release);
	}

	/**
	 * A deploy has completed: its release becomes the current one.
	 */
	void deployed(Release release) {
		this.deploying = null;
		if (release != this.current) {
			this.previous = this.current;
			this.current = release;
		}
	}

	/**
	 * The slots from this one up are gone (scaled down).
	 * @param slot the first slot gone
	 */
	public void forgetFrom(int slot) {
		this.bySlot.keySet().removeIf((key) -> key >= slot);
	}

	/**
	 * Return the slots below the count whose release is not the given one.
	 */
	Set<Integer> slotsNotOn(Release release, int slots) {
		Set<Integer> off = new TreeSet<>();
		for (int slot = 0; slot < slots; slot++) {
			if (forSlot(slot) != release) {
				off.add(slot);
			}
		}
		return off;
	}

	/**
	 * Return how many of the live workers run each version, for the meter and the health.
	 * @param live the release of each live worker
	 * @return the count of each version
	 */
	public static Map<String, Long> versions(Collection<Release> live) {
		return live.stream().collect(
				Collectors.groupingBy((release) -> String.valueOf(release.version()), TreeMap::new, Collectors.counting()));
	}

	/**
	 * Close the releases that are neither current, previous nor being deployed, nor any slot's,
	 * nor any live worker's (those leaving included: they run from its files until they exit).
	 * @param live the release of every worker not yet exited
	 * @return whether any release was closed
	 */
	public boolean closeUnused(Collection<Release> live) {
		boolean closed = false;
		for (Release release : List.copyOf(this.open)) {
			boolean used = release == this.current || release == this.previous || release == this.deploying
					|| this.bySlot.containsValue(release) || live.contains(release);
			if (!used) {
				this.open.remove(release);
				release.close();
				closed = true;
			}
		}
		return closed;
	}

	/**
	 * Close every open release, as the primary stops.
	 */
	public void closeAll() {
		this.open.forEach(Release::close);
	}

}
