using System.Text.Json.Serialization;
using VaeOnnx.Contract;
using VaeOnnx.Training.Gemm;
using VaeOnnx.Training.Optim;

namespace VaeOnnx.Training.Trainer;

/// <summary>Optimisation settings of a training run; stored in the checkpoint so that a resumed run continues with the same ones.</summary>
public sealed record TrainingOptions
{
    /// <summary>Number of passes over the training split.</summary>
    [JsonPropertyName("epochs")] public int Epochs { get; init; } = 10;

    /// <summary>Samples per optimiser step.</summary>
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; } = 128;

    /// <summary>Adam learning rate.</summary>
    [JsonPropertyName("learning_rate")] public double LearningRate { get; init; } = 1e-3;

    /// <summary>Adam beta1.</summary>
    [JsonPropertyName("adam_beta1")] public double AdamBeta1 { get; init; } = 0.9;

    /// <summary>Adam beta2.</summary>
    [JsonPropertyName("adam_beta2")] public double AdamBeta2 { get; init; } = 0.999;

    /// <summary>Adam epsilon.</summary>
    [JsonPropertyName("adam_eps")] public double AdamEps { get; init; } = 1e-8;

    /// <summary>Seed of initialisation, shuffling and noise: the same seed gives the same run.</summary>
    [JsonPropertyName("seed")] public long Seed { get; init; } = 1;

    /// <summary>LibTorch intra-op threads; 0 leaves LibTorch's default (all cores).</summary>
    [JsonPropertyName("threads")] public int Threads { get; init; }

    /// <summary>Weight of the KL term (beta-VAE); 1 is the ELBO.</summary>
    [JsonPropertyName("beta")] public double Beta { get; init; } = 1.0;

    /// <summary>Epochs over which the KL weight rises linearly from 0 to <see cref="Beta"/>; 0 disables the warm-up.</summary>
    [JsonPropertyName("warmup_epochs")] public double WarmupEpochs { get; init; }

    /// <summary>Stop when the validation negative ELBO has not improved for this many epochs; 0 disables early stopping.</summary>
    [JsonPropertyName("early_stopping_patience")] public int EarlyStoppingPatience { get; init; }

    /// <summary>
    /// The bound the optimiser maximises: the ELBO, or the importance-weighted bound with <see cref="IwTrainSamples"/> draws
    /// per sample. Left out of the JSON at its default, so that existing checkpoints and pairs read and write unchanged.
    /// </summary>
    [JsonPropertyName("objective"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public TrainingObjective Objective { get; init; } = TrainingObjective.Elbo;

    /// <summary>Importance-weighted training: the draws K per sample (0 with the ELBO objective).</summary>
    [JsonPropertyName("iw_train_samples"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int IwTrainSamples { get; init; }

    /// <summary>Rows per no-grad evaluation batch.</summary>
    [JsonPropertyName("eval_batch_size")] public int EvalBatchSize { get; init; } = 2000;

    /// <summary>
    /// Which BLAS runs the fully connected layers' products; LibTorch's (MKL) by default. OpenBLAS and oneDNN fall back to
    /// LibTorch's when their library is missing. The routes agree to float rounding, not bit for bit; a resumed run keeps its route.
    /// </summary>
    [JsonPropertyName("gemm")] public GemmBackend Gemm { get; init; }

    /// <summary>
    /// The library's own threads for the GEMMs of <see cref="GemmBackend.OpenBlas"/> and <see cref="GemmBackend.OneDnn"/>;
    /// 0 uses <see cref="Threads"/> (or all cores). With <see cref="Threads"/> 1 it splits the work: LibTorch runs the
    /// step's elementwise kernels and Adam on one thread while the library runs the products on these, so the two thread pools do not compete for the cores.
    /// A machine setting like <see cref="Threads"/>, not part of the run: never stored, a resumed run takes the new value.
    /// </summary>
    [JsonIgnore] public int GemmThreads { get; init; }

    /// <summary>
    /// How Adam updates the parameters: per tensor (TorchSharp's Adam) or over one flat buffer. Left out of the JSON at
    /// its default (existing checkpoints read and write unchanged); a resumed run keeps its update.
    /// </summary>
    [JsonPropertyName("adam_update"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public AdamUpdate AdamUpdate { get; init; }

    /// <summary>Checks ranges and names the offending option.</summary>
    public void Validate()
    {
        static void Fail(string name, string expected, object value) =>
            throw new ArgumentException($"training option '{name}' is {value}; expected {expected}.");
        if (Epochs < 1) Fail("epochs", "at least 1", Epochs);
        if (BatchSize < 1) Fail("batch_size", "at least 1", BatchSize);
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) Fail("learning_rate", "a positive finite number", LearningRate);
        if (Threads < 0) Fail("threads", "0 (default) or more", Threads);
        if (GemmThreads < 0) Fail("gemm_threads", "0 (the LibTorch thread count) or more", GemmThreads);
        if (!Enum.IsDefined(AdamUpdate)) Fail("adam_update", EnumText.Choices<AdamUpdate>(), (int)AdamUpdate);
        if (!(Beta >= 0) || double.IsInfinity(Beta)) Fail("beta", "a finite number >= 0", Beta);
        if (!(WarmupEpochs >= 0) || double.IsInfinity(WarmupEpochs)) Fail("warmup_epochs", "a finite number >= 0", WarmupEpochs);
        if (EarlyStoppingPatience < 0) Fail("early_stopping_patience", "0 (off) or more", EarlyStoppingPatience);
        if (EvalBatchSize < 1) Fail("eval_batch_size", "at least 1", EvalBatchSize);
        if (!Enum.IsDefined(Objective)) Fail("objective", EnumText.Choices<TrainingObjective>(), (int)Objective);
        if (Objective == TrainingObjective.Iwae && (IwTrainSamples < 1 || IwTrainSamples > 4096)) Fail("iw_train_samples", "1 to 4096 draws for the iwae objective", IwTrainSamples);
        if (Objective == TrainingObjective.Elbo && IwTrainSamples != 0) Fail("iw_train_samples", "0 (unset) with the elbo objective", IwTrainSamples);
    }

    /// <summary>
    /// KL weight at a point in training: a linear warm-up from 0 reaching <see cref="Beta"/> after <see cref="WarmupEpochs"/>.
    /// </summary>
    /// <param name="epochProgress">Epochs done so far, fractional within an epoch (0 at the first step).</param>
    public double BetaAt(double epochProgress) =>
        WarmupEpochs <= 0 ? Beta : Beta * Math.Min(1.0, epochProgress / WarmupEpochs);
}
