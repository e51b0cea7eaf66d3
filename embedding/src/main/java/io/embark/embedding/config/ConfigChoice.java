package io.embark.embedding.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parses the lower-case config spelling of an enum constant ({@code complex_diagonal}), listing the valid ones on error. */
public final class ConfigChoice {

    private ConfigChoice() {
    }

    public static <E extends Enum<E>> E parse(Class<E> type, String key, String value) {
        for (E e : type.getEnumConstants()) {
            if (spelling(e).equals(value.trim().toLowerCase(Locale.ROOT).replace('-', '_'))) {
                return e;
            }
        }
        throw new IllegalArgumentException(key + ": '" + value + "' (expected one of "
                + Arrays.stream(type.getEnumConstants()).map(ConfigChoice::spelling).collect(Collectors.joining(", ")) + ")");
    }

    public static String spelling(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
