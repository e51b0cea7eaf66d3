package io.embark.embedding.config;

/** What a warm-started run keeps fixed ({@code training.freeze}). */
public enum Freeze {
    /** Nothing: every row and relation trains. */
    NONE,
    /**
     * Every row the init checkpoint trained, and its relations: only the entities (and relations) that the dataset
     * added to the init checkpoint's move, so that vectors stored downstream stay valid bit for bit.
     */
    EXISTING
}
