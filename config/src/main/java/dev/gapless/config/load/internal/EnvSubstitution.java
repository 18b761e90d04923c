package dev.gapless.config.load.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code ${VAR}} and {@code ${VAR:-default}} in a scalar, replaced from an environment map before the
 * value is typed; <code>$${</code> writes a literal <code>${</code>. As in the shell, <code>:-</code> also applies when
 * the variable is set but empty. A replaced value is not scanned again, so a variable cannot inject
 * another reference.
 */
final class EnvSubstitution {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvSubstitution() {
    }

    /**
     * @param text        the scalar after substitution
     * @param substituted whether any variable was replaced (the text is then no longer as YAML typed it)
     */
    record Result(String text, boolean substituted) {
    }

    static Result apply(String raw, Map<String, String> env) throws Invalid {
        if (raw.indexOf('$') < 0) {
            return new Result(raw, false);
        }
        StringBuilder out = new StringBuilder(raw.length());
        List<String> unset = new ArrayList<>();
        boolean substituted = false;
        int i = 0;
        while (i < raw.length()) {
            if (raw.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (raw.startsWith("${", i)) {
                int end = raw.indexOf('}', i + 2);
                if (end < 0) {
                    throw new Invalid("unterminated '${' in '" + raw + "' (write $${ for a literal ${)");
                }
                String body = raw.substring(i + 2, end);
                int sep = body.indexOf(":-");
                String name = sep < 0 ? body : body.substring(0, sep);
                String fallback = sep < 0 ? null : body.substring(sep + 2);
                if (!NAME.matcher(name).matches()) {
                    throw new Invalid("invalid variable name '" + name + "' in '${" + body + "}'");
                }
                if (fallback != null && fallback.contains("${")) {
                    throw new Invalid("a default cannot hold another ${...}: '${" + body + "}'");
                }
                String value = env.get(name);
                if (value == null || (value.isEmpty() && fallback != null)) {
                    value = fallback;
                }
                if (value == null) {
                    unset.add(name);
                } else {
                    out.append(value);
                }
                substituted = true;
                i = end + 1;
            } else {
                out.append(raw.charAt(i));
                i++;
            }
        }
        if (!unset.isEmpty()) {
            throw new Invalid((unset.size() == 1 ? "environment variable " : "environment variables ")
                    + String.join(", ", unset) + (unset.size() == 1 ? " is" : " are")
                    + " not set (write ${NAME:-default} to give a default)");
        }
        return new Result(out.toString(), substituted);
    }
}
