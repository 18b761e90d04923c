package dev.gapless.agent.filter.redact;

import dev.gapless.config.BoundedText;
import dev.gapless.agent.filter.Filter;
import dev.gapless.agent.filter.FilterEvent;
import dev.gapless.agent.filter.FilterStats;
import dev.gapless.config.FieldPath;
import dev.gapless.config.filter.redact.RedactFilterConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks what each rule finds in one field, in rule order, and counts each rule's matches. Every match runs through
 * a {@link BoundedText} (characters read, per rule; time, for all rules of an event): a compliance filter
 * must not let through what it could not check, so when the budget runs out the whole field is masked and the
 * event tagged {@code _redact_timeout}. Thread-safe: matchers are per thread.
 */
final class RedactFilter implements Filter {

    /** Characters the matchers may read per character of the text, and at most on one event. */
    static final long STEPS_PER_CHAR = 200;
    static final long MAX_STEPS = 20_000_000;

    /**
     * One rule: its pattern, the group that is masked (0: the whole match), and for card numbers a check that a
     * match is one (the Luhn sum).
     */
    private record Rule(String name, Pattern pattern, int group, boolean luhn, LongAdder count,
                        ThreadLocal<Matcher> matcher) {
    }

    private final FieldPath field;
    private final String mask;
    private final long budgetNanos;
    private final List<Rule> rules = new ArrayList<>();
    private final FilterStats stats;
    private final ThreadLocal<BoundedText> text = ThreadLocal.withInitial(BoundedText::new);

    RedactFilter(RedactFilterConfig c, FilterStats stats) {
        this.field = c.field();
        this.mask = c.mask();
        this.budgetNanos = c.timeout().toNanos();
        this.stats = stats;
        for (String name : c.rules()) {
            rules.add(switch (name) {
                // Possessive where a part cannot give characters back, so a near miss costs one pass.
                case "email" -> rule(name, "[A-Za-z0-9._%+-]++@(?:[A-Za-z0-9-]++\\.)++[A-Za-z]{2,}+", 0, false);
                case "credit_card" -> rule(name, "(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])", 0, true);
                case "bearer_token" -> rule(name, "(?i)\\bbearer\\s++([A-Za-z0-9._~+/-]++=*+)", 1, false);
                case "aws_access_key" -> rule(name, "\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b", 0, false);
                case "aws_secret_key" -> rule(name, "(?i)aws_?secret_?access_?key[\"']?\\s*+[:=]\\s*+[\"']?"
                        + "([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])", 1, false);
                default -> throw new IllegalArgumentException("unknown redact rule " + name);
            });
        }
        for (Map.Entry<String, Pattern> p : c.patterns().entrySet()) {
            rules.add(new Rule(p.getKey(), p.getValue(), 0, false, stats.rule(p.getKey()),
                    ThreadLocal.withInitial(() -> p.getValue().matcher(""))));
        }
    }

    private Rule rule(String name, String regex, int group, boolean luhn) {
        Pattern p = Pattern.compile(regex);
        return new Rule(name, p, group, luhn, stats.rule(name), ThreadLocal.withInitial(() -> p.matcher("")));
    }

    @Override
    public boolean apply(FilterEvent event) {
        String value = event.text(field);
        if (value == null || value.isEmpty()) {
            return true;
        }
        BoundedText bounded = text.get();
        String current = value;
        long steps = Math.min(MAX_STEPS, STEPS_PER_CHAR * (value.length() + 1L));
        long deadline = System.nanoTime() + budgetNanos;
        try {
            for (Rule r : rules) {
                bounded.reset(current, steps, Math.max(0, deadline - System.nanoTime()));
                current = maskAll(r, bounded, current);
            }
        } catch (BoundedText.Exhausted e) {
            event.put(field, mask);
            event.tag(RedactFilterConfig.TIMEOUT_TAG);
            stats.timeouts.increment();
            return true;
        }
        if (!current.equals(value)) {
            event.put(field, current);
        }
        return true;
    }

    /** {@code text} with every match of the rule masked (the same string when none). */
    private String maskAll(Rule r, BoundedText bounded, String text) {
        Matcher m = r.matcher.get();
        m.reset(bounded);
        StringBuilder out = null;
        int copied = 0;
        try {
            while (m.find()) {
                int start = m.start(r.group);
                int end = m.end(r.group);
                if (start < 0 || r.luhn && !luhn(text, start, end)) {
                    continue;
                }
                if (out == null) {
                    out = new StringBuilder(text.length());
                }
                out.append(text, copied, start).append(mask);
                copied = end;
                r.count.increment();
            }
        } finally {
            m.reset("");
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }

    /** The Luhn check over the digits of {@code s[from, to)}: what every payment card number passes. */
    static boolean luhn(CharSequence s, int from, int to) {
        int sum = 0;
        boolean twice = false;
        for (int i = to - 1; i >= from; i--) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                continue;
            }
            int d = c - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }
}
