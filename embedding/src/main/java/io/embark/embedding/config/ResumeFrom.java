package io.embark.embedding.config;

/** Which checkpoint version a training run resumes from ({@code training.resume}). */
public enum ResumeFrom {
    /**
     * The newest committed version. Its files are checked as they are read; one that does not verify stops the run
     * with a message naming the file and the newest older version that verifies.
     */
    LATEST,
    /**
     * The newest version that verifies: versions are read in full, newest first, before training starts (one extra
     * read of the newest version when it is whole); newer versions that do not verify are set aside as
     * {@code vNNNNNNNN._damaged-TIME}. Refuses when no version verifies.
     */
    LATEST_VALID
}
