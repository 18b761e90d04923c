package dev.gapless.it.packaging;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The entries of a {@code .tar.gz} (name, mode, type, link target), read with the JDK only: ustar headers
 * plus pax {@code path}/{@code linkpath} records, which Maven's assembly writes for long names.
 */
final class TarIndex {

    /** One tar entry; {@code name} has no trailing slash. */
    record Entry(String name, int mode, char type, String linkTarget) {
        boolean isDirectory() {
            return type == '5';
        }

        boolean isFile() {
            return type == '0' || type == '\0';
        }
    }

    private TarIndex() {
    }

    static Map<String, Entry> read(Path tarGz) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        try (InputStream raw = Files.newInputStream(tarGz);
                DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
            byte[] header = new byte[512];
            Map<String, String> pax = Map.of();
            while (true) {
                try {
                    in.readFully(header);
                } catch (EOFException e) {
                    break;
                }
                if (allZero(header)) {
                    break;
                }
                char type = (char) header[156];
                long size = octal(header, 124, 12);
                byte[] body = new byte[(int) size];
                in.readFully(body);
                skip(in, (512 - size % 512) % 512);
                if (type == 'x') {
                    pax = paxRecords(body);
                    continue;
                }
                String name = pax.getOrDefault("path", ustarName(header));
                String link = pax.getOrDefault("linkpath", text(header, 157, 100));
                pax = Map.of();
                if (name.endsWith("/")) {
                    name = name.substring(0, name.length() - 1);
                }
                entries.put(name, new Entry(name, (int) octal(header, 100, 8), type, link));
            }
        }
        return entries;
    }

    private static String ustarName(byte[] h) {
        String name = text(h, 0, 100);
        String magic = text(h, 257, 6);
        String prefix = magic.startsWith("ustar") ? text(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static Map<String, String> paxRecords(byte[] body) {
        Map<String, String> records = new LinkedHashMap<>();
        int i = 0;
        while (i < body.length) {
            int space = indexOf(body, (byte) ' ', i);
            int len = Integer.parseInt(new String(body, i, space - i, StandardCharsets.US_ASCII));
            String kv = new String(body, space + 1, len - (space - i) - 2, StandardCharsets.UTF_8);
            int eq = kv.indexOf('=');
            records.put(kv.substring(0, eq), kv.substring(eq + 1));
            i += len;
        }
        return records;
    }

    private static int indexOf(byte[] b, byte v, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        throw new IllegalArgumentException("malformed pax record");
    }

    private static String text(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] h, int off, int len) {
        String s = text(h, off, len).trim();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static void skip(DataInputStream in, long n) throws IOException {
        in.readFully(new byte[(int) n]);
    }
}
