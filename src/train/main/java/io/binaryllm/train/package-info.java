/**
 * Trains the project's own small Llama on plain text so that the KV cache is measured on real attention: a byte-pair
 * vocabulary in llama2.c's layout ({@link io.binaryllm.train.BpeTrainer}), books as paragraphs
 * ({@link io.binaryllm.train.TextCorpus}), the plan ({@link io.binaryllm.train.TrainingPlan}), training with PyTorch's
 * CPU library through DJL ({@link io.binaryllm.train.LlamaTrainer}) and the {@code train-llama} command
 * ({@link io.binaryllm.train.TrainMain}) that writes the model in llama2.c's format; then, optionally, a low-bit phase
 * ({@link io.binaryllm.train.TrainingPlan.LowBitPhase}) that trains a plan's ternary or binary projections
 * quantization-aware and writes the packed model as GGUF.
 */
package io.binaryllm.train;
