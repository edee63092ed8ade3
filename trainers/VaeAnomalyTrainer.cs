using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using VaeOnnx.Contract;
using VaeOnnx.Export;
using VaeOnnx.Inference;
using VaeOnnx.Inference.DataView;
using VaeOnnx.Inference.Scoring;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Trainers;

/// <summary>
/// Trains a variational autoencoder as an ML.NET anomaly detector (<c>mlContext.AnomalyDetection.Trainers.Vae</c>):
/// <see cref="Fit"/> reads the data view through a cursor, trains with TorchSharp, exports the ONNX pair to
/// <see cref="Options.ModelFolder"/>, loads it and returns the block-scoring transformer. The input is a table (Text,
/// Boolean, Single, Double, Int32, Int64 columns: a mixed-type table model, kinds inferred as <c>vae train</c> infers
/// them for a CSV file) or one vector of Single (a plain model with a Gaussian decoder on standardised features).
/// The threshold behind <c>PredictedLabel</c> is calibrated on held-out rows at <see cref="Options.FalseAlarmRate"/>.
/// </summary>
public sealed partial class VaeAnomalyTrainer : IEstimator<VaeAnomalyTransformer>
{
    /// <summary>The score column: higher is more unusual.</summary>
    public const string ScoreColumnName = "Score";

    /// <summary>The flag column: true when the score is above the calibrated threshold.</summary>
    public const string PredictedLabelColumnName = "PredictedLabel";

    private readonly MLContext _mlContext;
    private readonly Options _options;
    private readonly IHost? _host;

    internal VaeAnomalyTrainer(IHostEnvironment? environment, Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Seed = options.Seed ?? CatalogEnvironment.Seed(environment) ?? 1;
        _host = environment?.Register(nameof(VaeAnomalyTrainer));
        // The transforms the fit builds come from a context of its own: ML.NET's public API makes none from an environment.
        _mlContext = new MLContext(Seed);
        _options = options;
    }

    /// <summary>The seed the fit trains with: <see cref="Options.Seed"/>, else the MLContext's, else 1.</summary>
    public int Seed { get; }

    /// <summary>Trains, exports and loads the pair; see <see cref="VaeAnomalyTrainer"/>.</summary>
    /// <exception cref="ArgumentException">A column is of a type no kind covers, a vector stands beside table columns, or the label is neither Single nor Boolean; the message names the column.</exception>
    /// <exception cref="OperationCanceledException"><see cref="Options.CancellationToken"/> was cancelled; no model folder is written.</exception>
    public VaeAnomalyTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var columns = TrainingColumns.Select(input.Schema, _options);
        _options.CancellationToken.ThrowIfCancellationRequested();
        using var channel = _host?.Start(nameof(Fit));
        var log = new TrainingLog(channel, _options.Progress);
        var prepared = columns.Vector is { } column ? VectorInput.Prepare(input, column, _options, Seed) : TableInput.Prepare(input, columns, _options, Seed);
        log.Info(FormattableString.Invariant($"training a {(columns.Vector is null ? "table" : "plain")} model on {prepared.Data.Train.Rows} rows, {prepared.Data.Train.FeatureCount} features, seed {Seed}"));
        var model = VaeModel.Load(TrainAndExport(prepared, log));
        log.Info($"exported the pair to {Path.GetDirectoryName(model.EncoderPath)}");
        return columns.Vector is { } vector
            ? VectorScorer(input, model, vector.Name, prepared.HeldOutRows!)
            : new VaeAnomalyTransformer(_mlContext, model, _mlContext.Transforms.VaeTableScore(model, ScoreColumnName, PredictedLabelColumnName).Fit(input),
                model.Table!.Threshold!.Score, null);
    }

    /// <summary>Score, its reconstruction and KL parts, and <c>PredictedLabel</c> (table models add per-column contributions once fitted).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var parts = new[] { VaeScoreParts.Score, VaeScoreParts.Reconstruction, VaeScoreParts.Kl };
        return OutputShapes.Append(_mlContext.Transforms, inputSchema, parts.Select(p => (VaeScoreParts.Column(ScoreColumnName, p), 0)).ToArray(), [PredictedLabelColumnName]);
    }

    /// <summary>Trains in a temporary checkpoint folder (deleted after) and exports the pair; the pair's folder.</summary>
    private string TrainAndExport(PreparedData prepared, TrainingLog log)
    {
        var token = _options.CancellationToken;
        var work = Directory.CreateTempSubdirectory("vaeonnx-fit-");
        try
        {
            var training = new TrainingOptions { Epochs = _options.Epochs, BatchSize = _options.BatchSize, LearningRate = _options.LearningRate, Seed = Seed };
            var result = new VaeTrainer(training, log)
                .Train(prepared.Architecture, prepared.Data, Path.Combine(work.FullName, "checkpoint"), cancellation: token);
            using var model = result.Model;
            token.ThrowIfCancellationRequested();
            var info = result.Checkpoint;
            var description = new ExportDescription(info.Scaling, info.Dataset, info.Evaluation, JsonSerializer.Serialize(info.Training),
                HeldOutRows: prepared.HeldOutTable, FalseAlarmRate: _options.FalseAlarmRate);
            var folder = _options.ModelFolder ?? Path.Combine(Path.GetTempPath(), $"vaeonnx-model-{Guid.NewGuid():N}");
            var parity = prepared.HeldOutRows?.Take(64 * prepared.Architecture.InputDim).ToArray();
            return VaeOnnxExporter.Export(model, description, folder, force: true, parity).Folder;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>The plain model's score, with <c>PredictedLabel</c> from the conformal threshold of the held-out rows' scores.</summary>
    private VaeAnomalyTransformer VectorScorer(IDataView input, VaeModel model, string column, float[] heldOut)
    {
        var score = _mlContext.Transforms.VaeAnomalyScore(model, column, ScoreColumnName).Fit(input);
        var scores = score.Transform(VectorRows.ToDataView(_mlContext, column, heldOut, model.InputDim)).GetColumn<float>(ScoreColumnName);
        float threshold = AnomalyCalibration.Calibrate(scores.ToArray(), _options.FalseAlarmRate).Score;
        var scored = score.Transform(input);
        // The flag is ML.NET's own expression transform, so the saved chain needs nothing of ours to load it.
        var flag = _mlContext.Transforms.Expression(PredictedLabelColumnName, $"s => s >= {ThresholdLiteral(threshold)}", ScoreColumnName).Fit(scored);
        return new VaeAnomalyTransformer(_mlContext, model, new TransformerChain<ITransformer>(score, flag), threshold, column);
    }

    // The shortest text that reads back as the same float32 ("R"), so that the flag compares with exactly the calibrated
    // threshold; the expression language needs a decimal point (and no exponent) for a float literal.
    private static string ThresholdLiteral(float threshold)
    {
        var text = threshold.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        if (text.Contains('E')) return threshold.ToString("0.0####################################", System.Globalization.CultureInfo.InvariantCulture);
        return text.Contains('.') ? text : text + ".0";
    }
}
