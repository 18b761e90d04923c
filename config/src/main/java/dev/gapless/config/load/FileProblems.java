package dev.gapless.config.load;

import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Start-up failures said in one line, naming the file and the problem: {@code /var/lib/gapless: exists and is
 * not a directory}, never a bare path (the message of a {@link FileAlreadyExistsException} is only the path)
 * nor "Input length = 1" (a {@link CharacterCodingException}'s). The agent and the watchdog both start from a
 * config and the files it names, so both print their failures through here; the stack trace is for
 * {@code --debug}.
 */
public final class FileProblems {

    private FileProblems() {
    }

    /** {@code e} and its causes in one line, the file first when one is known. */
    public static String oneLine(Throwable e) {
        StringBuilder sb = new StringBuilder(describe(e));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            String more = describe(c);
            if (sb.indexOf(more) < 0) {
                sb.append(": ").append(more);
            }
        }
        return sb.toString();
    }

    private static String describe(Throwable e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": " + problem(f);
        }
        if (e instanceof CharacterCodingException) {
            return "not valid UTF-8";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** What went wrong with a file, without the path: "does not exist", "permission denied"… */
    public static String problem(FileSystemException e) {
        if (e instanceof NoSuchFileException) {
            return "does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "exists and is not a directory"; // the JDK throws it when a directory cannot be made there
        }
        if (e instanceof NotDirectoryException) {
            return "is not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "is a directory that is not empty";
        }
        String reason = e.getReason();
        return reason == null || reason.isBlank() ? e.getClass().getSimpleName() : lowerFirst(reason);
    }

    private static String lowerFirst(String s) {
        return s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))
                ? Character.toLowerCase(s.charAt(0)) + s.substring(1)
                : s;
    }
}
