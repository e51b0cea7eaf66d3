package io.embark.jobs;

/**
 * What a stage answers on the command line (stdout): {@code eval}'s metrics, {@code neighbors}' list. A person reads
 * the table; {@code --json} prints the JSON instead, for a program.
 */
public record StageOutput(String table, String json) {

    /** The text to print: the table, or with {@code json} the JSON. */
    public String text(boolean json) {
        return json ? json() : table();
    }
}
