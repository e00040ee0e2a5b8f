package io.clusterstarter.image;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;

/**
 * A directory only the current user can enter, for files another user must not replace: the
 * primary's port locks, and the worker images whose classes every worker runs. Created with mode
 * {@code 0700}; one that exists already is used only if it is a real directory of this user that
 * nobody else may enter.
 *
 * @author cluster-spring-boot-starter
 */
public final class PrivateDirectory {

	private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
			PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
			PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

	private PrivateDirectory() {
	}

	/**
	 * Return the directory that this user's primaries share in the temporary directory,
	 * {@code cluster-spring-boot-<user>}: the port locks, the control sockets, and the worker
	 * images when the user has no cache directory.
	 * @return the directory, not created
	 */
	public static Path inTemporaryDirectory() {
		return Path.of(System.getProperty("java.io.tmpdir"),
				"cluster-spring-boot-" + System.getProperty("user.name", "user"));
	}

	/**
	 * Create the directory if it is missing (its parents as usual), then check it.
	 * @param directory the directory
	 * @return the directory, absolute
	 * @throws IOException if it cannot be created, or is not this user's alone
	 */
	public static Path ensure(Path directory) throws IOException {
		Path absolute = directory.toAbsolutePath();
		if (absolute.getParent() != null) {
			Files.createDirectories(absolute.getParent());
		}
		try {
			Files.createDirectory(absolute,
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		}
		catch (FileAlreadyExistsException ex) {
			// Made earlier, maybe by another process: checked below like any existing one
		}
		catch (UnsupportedOperationException ex) {
			Files.createDirectories(absolute);
		}
		check(absolute);
		return absolute;
	}

	/**
	 * Refuse a directory that another user made (in a shared temporary directory, say) or may
	 * enter: that user could replace what is in it.
	 */
	private static void check(Path directory) throws IOException {
		if (Files.isSymbolicLink(directory) || !Files.isDirectory(directory)) {
			throw new IOException(directory + " is not a directory");
		}
		UserPrincipal owner = Files.getOwner(directory, LinkOption.NOFOLLOW_LINKS);
		// Compared with a file this process makes: the user name property may not match the
		// file system's name for the user (a container's numeric uid, say)
		Path probe = Files.createTempFile(directory, ".owner-", "");
		UserPrincipal self;
		try {
			self = Files.getOwner(probe);
		}
		finally {
			Files.deleteIfExists(probe);
		}
		if (!owner.equals(self)) {
			throw new IOException(directory + " belongs to " + owner.getName() + ", not to " + self.getName()
					+ "; remove it");
		}
		try {
			Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS);
			if (permissions.stream().anyMatch(OTHERS::contains)) {
				throw new IOException(directory + " may be entered by other users ("
						+ PosixFilePermissions.toString(permissions) + "); make it private with chmod 700, or remove it");
			}
		}
		catch (UnsupportedOperationException ex) {
			// Not a POSIX file system: ownership is all there is to check
		}
	}

}
