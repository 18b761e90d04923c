package dev.gapless.agent.output.archive;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One line of the manifest: a closed file, what it holds and the hash of the line before it (package-info.java has
 * the format). The line is rendered here and only here, field by field in a fixed order, so its bytes are stable.
 *
 * @param number   the file's number: 1 for the first file closed, then one more per file
 * @param file     the file's name in the directory
 * @param bytes    its size
 * @param sha256   the SHA-256 of its bytes, lower-case hex
 * @param firstSeq the first seq of its first batch
 * @param lastSeq  the last seq of its last batch; null when not known (a file recovered after a crash)
 * @param records  records in its batches; null when not known
 * @param closedAt when it was closed
 * @param prev     the SHA-256 of the previous line (without its newline), or {@link #NO_PREV} on the first
 */
record ManifestEntry(long number, String file, long bytes, String sha256, long firstSeq, Long lastSeq, Long records,
                     Instant closedAt, String prev) {

    static final int VERSION = 1;
    /** The {@code prev} of the first entry. */
    static final String NO_PREV = "0".repeat(64);
    private static final String HMAC_FIELD = ",\"hmac\":\"";

    ManifestEntry {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(closedAt, "closedAt");
        Objects.requireNonNull(prev, "prev");
    }

    /** The line without its {@code hmac} field: what the HMAC signs. */
    String body() {
        return "{\"v\":" + VERSION + ",\"n\":" + number + ",\"file\":\"" + file + "\",\"bytes\":" + bytes
                + ",\"sha256\":\"" + sha256 + "\",\"first_seq\":" + firstSeq + ",\"last_seq\":" + lastSeq
                + ",\"records\":" + records + ",\"closed_at\":\"" + closedAt + "\",\"prev\":\"" + prev + "\"}";
    }

    /** The line as written (without its newline); with the HMAC of {@link #body()} when a key is given. */
    String line(byte[] hmacKey) {
        String body = body();
        if (hmacKey == null) {
            return body;
        }
        return body.substring(0, body.length() - 1) + HMAC_FIELD + hmac(hmacKey, body) + "\"}";
    }

    /** A line's {@code hmac} value, or null when it has none. */
    static String hmacOf(String line) {
        int at = line.lastIndexOf(HMAC_FIELD);
        if (at < 0 || !line.endsWith("\"}")) {
            return null;
        }
        return line.substring(at + HMAC_FIELD.length(), line.length() - 2);
    }

    /** A line without its {@code hmac} field: the body its HMAC signed. */
    static String bodyOf(String line) {
        int at = line.lastIndexOf(HMAC_FIELD);
        return at < 0 ? line : line.substring(0, at) + "}";
    }

    static String hmac(byte[] key, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** The SHA-256 of a line, as the next entry's {@code prev}. */
    static String hashOf(String line) {
        return HexFormat.of().formatHex(newDigest().digest(line.getBytes(StandardCharsets.UTF_8)));
    }

    /** The SHA-256 of a file's bytes, lower-case hex. */
    static String sha256Of(java.nio.file.Path file) throws java.io.IOException {
        MessageDigest digest = newDigest();
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                digest.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
