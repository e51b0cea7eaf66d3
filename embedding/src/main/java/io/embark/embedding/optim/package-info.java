/** Row-wise Adagrad for embeddings and element-wise Adagrad for relation parameters, as in PyTorch-BigGraph. */
package io.embark.embedding.optim;
