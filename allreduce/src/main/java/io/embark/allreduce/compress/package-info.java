/**
 * Optional gradient compression in the style of 3LC: 3-value quantization with error feedback,
 * base-3^5 packing and zero-run encoding, and an all-reduce built on it. Off unless used explicitly.
 */
package io.embark.allreduce.compress;
