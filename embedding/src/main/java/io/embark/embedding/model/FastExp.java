package io.embark.embedding.model;

/**
 * {@code exp(x)} for {@code x <= 0} in float arithmetic, for the softmax loss, whose arguments are scores minus their
 * row maximum. {@link Math#exp} works in double and was a visible share of the chunk step (two exponentials per
 * candidate score: 105,000 per chunk in PyTorch-BigGraph's FB15k shapes).
 *
 * <p>Method: {@code x = k ln2 + f} with integer k and {@code |f| <= ln2 / 2} (ln2 split in a high and low part so f
 * is exact enough), {@code exp(f)} by its degree-6 Taylor polynomial (truncation error below {@code 2e-7} relative),
 * {@code 2^k} built from the exponent bits. Relative error below {@code 5e-7} for {@code x} in [-87, 0]; 0 below -87.
 */
public final class FastExp {

    private static final float LOG2E = 1.442695041f;
    private static final float LN2_HI = 0.693145752f;
    private static final float LN2_LO = 1.42860677e-6f;

    private FastExp() {
    }

    public static float expNonPositive(float x) {
        if (x < -87f) {
            return 0f;
        }
        // round x / ln2 to the nearest integer (x <= 0, so subtracting 0.5 and truncating towards zero rounds)
        int k = (int) (x * LOG2E - 0.5f);
        float f = x - k * LN2_HI - k * LN2_LO;
        float p = 1f + f * (1f + f * (0.5f + f * (1f / 6 + f * (1f / 24 + f * (1f / 120 + f * (1f / 720))))));
        return p * Float.intBitsToFloat((k + 127) << 23);
    }
}
