using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Trainers;

public sealed partial class VaeAnomalyTrainer
{
    /// <summary>
    /// What <see cref="VaeAnomalyTrainer"/> trains on and how. The defaults are the command line's for a table
    /// (<c>vae train --data FILE.csv</c>), with fewer epochs.
    /// </summary>
    public sealed class Options
    {
        /// <summary>Passes over the training rows.</summary>
        public int Epochs { get; set; } = 30;

        /// <summary>Rows per optimiser step.</summary>
        public int BatchSize { get; set; } = 128;

        /// <summary>Adam's learning rate.</summary>
        public double LearningRate { get; set; } = 1e-3;

        /// <summary>Widths of the encoder's hidden layers (the decoder mirrors them).</summary>
        public int[] Hidden { get; set; } = [64];

        /// <summary>Size of the latent code.</summary>
        public int LatentDim { get; set; } = 8;

        /// <summary>
        /// Seed of the split, the initialisation, the shuffles and the noise: the same seed and rows give the same model.
        /// Null takes the seed of the MLContext whose catalog made the trainer (<c>new MLContext(seed: 7)</c> trains with
        /// 7), and 1 for a context made without a seed, as ML.NET's TorchSharp trainers do.
        /// </summary>
        public int? Seed { get; set; }

        /// <summary>Fraction of the held-out rows (ordinary ones) the calibrated threshold may flag as anomalies.</summary>
        public double FalseAlarmRate { get; set; } = 0.01;

        /// <summary>Fraction of the rows held out of training: they calibrate the threshold.</summary>
        public double HoldOutFraction { get; set; } = 0.2;

        /// <summary>
        /// The label column (Single or Boolean), never a feature; it need not be there. Evaluation reads it; training does not.
        /// </summary>
        public string LabelColumnName { get; set; } = "Label";

        /// <summary>
        /// The feature columns: table columns (Text, Boolean, Single, Double, Int32, Int64), or one vector of Single.
        /// Null takes every visible column except the label, the condition and the ignored ones (id columns are then left
        /// out by kind inference, as for a CSV file).
        /// </summary>
        public IReadOnlyList<string>? FeatureColumnNames { get; set; }

        /// <summary>Columns left out of the features when <see cref="FeatureColumnNames"/> is null.</summary>
        public IReadOnlyList<string> IgnoreColumnNames { get; set; } = [];

        /// <summary>
        /// Table models: a Text column the model is conditioned on (the segment of each row, one-hot into both graphs);
        /// scoring reads each row's own value.
        /// </summary>
        public string? ConditionColumnName { get; set; }

        /// <summary>
        /// Where the ONNX pair is written (a folder the service can serve), replaced if it holds a pair already;
        /// null writes it to a new temporary folder.
        /// </summary>
        public string? ModelFolder { get; set; }

        /// <summary>
        /// Receives the epoch, the loss and the time left every few steps and at each epoch's end, on the training thread.
        /// The same reports reach ML.NET's log (<c>MLContext.Log</c>, source <c>VaeAnomalyTrainer; Fit</c>): one Info
        /// message per epoch, Trace messages for the steps.
        /// </summary>
        public IProgress<TrainingProgress>? Progress { get; set; }

        /// <summary>Stops training between steps: Fit then throws <see cref="OperationCanceledException"/> and writes no model folder.</summary>
        public CancellationToken CancellationToken { get; set; }

        /// <summary>Checks the ranges, naming the option.</summary>
        internal void Validate()
        {
            static void Fail(string name, string expected, object value) =>
                throw new ArgumentOutOfRangeException(name, value, $"{name} is {value}; expected {expected}");
            if (Epochs < 1) Fail(nameof(Epochs), "at least 1", Epochs);
            if (BatchSize < 1) Fail(nameof(BatchSize), "at least 1", BatchSize);
            if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) Fail(nameof(LearningRate), "a positive finite number", LearningRate);
            if (Hidden.Length == 0 || Hidden.Any(h => h < 1)) Fail(nameof(Hidden), "one or more positive widths", string.Join(",", Hidden));
            if (LatentDim < 1) Fail(nameof(LatentDim), "at least 1", LatentDim);
            if (!(FalseAlarmRate > 0 && FalseAlarmRate < 1)) Fail(nameof(FalseAlarmRate), "a fraction between 0 and 1, e.g. 0.01", FalseAlarmRate);
            if (!(HoldOutFraction > 0 && HoldOutFraction < 1)) Fail(nameof(HoldOutFraction), "a fraction between 0 and 1, e.g. 0.2", HoldOutFraction);
        }
    }
}
