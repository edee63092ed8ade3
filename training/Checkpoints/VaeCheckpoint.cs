using System.Text.Json;
using TorchSharp;
using VaeOnnx.Contract;
using VaeOnnx.Contract.IO;
using VaeOnnx.Training.Model;
using static TorchSharp.torch;

namespace VaeOnnx.Training.Checkpoints;

/// <summary>
/// A checkpoint folder: <c>checkpoint.json</c> plus the weights and optimiser files it names.
/// Weight files carry the training position in their names and <c>checkpoint.json</c> is renamed into place last,
/// so a crash at any moment leaves the previous checkpoint complete and loadable.
/// </summary>
public static class VaeCheckpoint
{
    /// <summary>Name of the JSON file of a checkpoint folder.</summary>
    public const string InfoFileName = "checkpoint.json";

    /// <summary>Serializer settings of checkpoint and metrics JSON.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new() { WriteIndented = true };

    /// <summary>True when <paramref name="folder"/> holds a checkpoint.</summary>
    public static bool Exists(string folder) => File.Exists(Path.Combine(folder, InfoFileName));

    /// <summary>Writes model weights, optimiser state and info into <paramref name="folder"/> atomically and removes superseded weight files.</summary>
    public static CheckpointInfo Save(string folder, VariationalAutoencoder model, TorchSharp.Modules.OptimizerHelper optimizer, CheckpointInfo info)
    {
        Directory.CreateDirectory(folder);
        var tag = $"e{info.Epoch:D4}-s{info.Step:D6}";
        info = info with { WeightsFile = $"weights-{tag}.bin", OptimizerFile = $"optimizer-{tag}.bin", CreatedUtc = DateTime.UtcNow.ToString("O") };
        // TorchSharp's save closes the stream it is given, so serialise to memory first and let the atomic writer own the file.
        var weights = new MemoryStream();
        model.save(weights);
        var weightBytes = weights.ToArray();
        AtomicFileWriter.Write(Path.Combine(folder, info.WeightsFile), s => s.Write(weightBytes));
        AtomicFileWriter.Write(Path.Combine(folder, info.OptimizerFile), s =>
        {
            using var writer = new BinaryWriter(s, System.Text.Encoding.UTF8, leaveOpen: true);
            optimizer.save_state_dict(writer);
        });
        AtomicFileWriter.WriteText(Path.Combine(folder, InfoFileName), JsonSerializer.Serialize(info, JsonOptions));
        foreach (var stale in Directory.EnumerateFiles(folder, "*.bin"))
        {
            var name = Path.GetFileName(stale);
            if (name != info.WeightsFile && name != info.OptimizerFile && name != info.BestWeightsFile
                && (name.StartsWith("weights-") || name.StartsWith("optimizer-") || name.StartsWith(BestWeightsPrefix)))
                File.Delete(stale);
        }
        return info;
    }

    /// <summary>
    /// Writes the model's weights (atomically) as the best-validation weights of <paramref name="epoch"/> and returns the
    /// file name to record in <see cref="CheckpointInfo.BestWeightsFile"/>. The name carries the epoch, so until the next
    /// <see cref="Save"/> records it, <c>checkpoint.json</c> keeps naming the previous best file, which stays on disk.
    /// </summary>
    public static string SaveBestWeights(string folder, VariationalAutoencoder model, int epoch)
    {
        Directory.CreateDirectory(folder);
        var name = $"{BestWeightsPrefix}e{epoch:D4}.bin";
        var weights = new MemoryStream();
        model.save(weights);
        var bytes = weights.ToArray();
        AtomicFileWriter.Write(Path.Combine(folder, name), s => s.Write(bytes));
        return name;
    }

    /// <summary>Loads the best-validation weights a checkpoint names into a model of its architecture.</summary>
    public static void LoadBestWeights(string folder, CheckpointInfo info, VariationalAutoencoder model)
    {
        var infoPath = Path.Combine(folder, InfoFileName);
        if (info.BestWeightsFile is null)
            throw new CheckpointFormatException(infoPath, $"field 'best_weights_file' is missing, so the weights of best epoch {info.BestEpoch} cannot be restored; expected the name of the best-validation weights file");
        LoadWeightsFile(Path.Combine(folder, info.BestWeightsFile), infoPath, info.Architecture, model, "best-validation weights file named by checkpoint.json");
    }

    private const string BestWeightsPrefix = "best-";

    /// <summary>Records evaluation figures in <c>checkpoint.json</c> (atomically; the weights are not touched).</summary>
    public static CheckpointInfo WriteEvaluation(string folder, EvaluationSummary evaluation)
    {
        var info = ReadInfo(folder) with { Evaluation = evaluation };
        AtomicFileWriter.WriteText(Path.Combine(folder, InfoFileName), JsonSerializer.Serialize(info, JsonOptions));
        return info;
    }

    /// <summary>Reads and checks <c>checkpoint.json</c> without touching the weights.</summary>
    public static CheckpointInfo ReadInfo(string folder)
    {
        var path = Path.Combine(folder, InfoFileName);
        if (!Directory.Exists(folder)) throw new CheckpointFormatException(folder, "checkpoint folder not found");
        if (!File.Exists(path)) throw new CheckpointFormatException(path, "missing; a checkpoint folder holds checkpoint.json and the weight files it names");
        CheckpointInfo? info;
        try
        {
            info = JsonSerializer.Deserialize<CheckpointInfo>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(path, $"not valid checkpoint JSON at {e.Path ?? "$"} (line {e.LineNumber + 1}): {e.Message}", e);
        }
        if (info is null) throw new CheckpointFormatException(path, "empty JSON; expected a checkpoint object");
        CheckFields(path, info);
        return info;
    }

    /// <summary>
    /// Every field the code relies on, checked once here: JSON <c>null</c> passes the serializer's <c>required</c>, and a
    /// null found later surfaces as a NullReferenceException that names neither the file nor the field.
    /// </summary>
    private static void CheckFields(string path, CheckpointInfo info)
    {
        void Require([System.Diagnostics.CodeAnalysis.DoesNotReturnIf(false)] bool ok, string field, string expected)
        {
            if (!ok) throw new CheckpointFormatException(path, $"field '{field}' is missing, null or invalid; expected {expected}");
        }
        if (info.FormatVersion != CheckpointInfo.CurrentFormatVersion)
            throw new CheckpointFormatException(path, $"field 'format_version' is {info.FormatVersion}; expected {CheckpointInfo.CurrentFormatVersion}");
        Require(info.Architecture is not null, "architecture", "an object with kind, input_shape, hidden, latent_dim and likelihood");
        Require(info.Training is not null, "training", "an object with the training options");
        Require(info.Scaling is not null, "scaling", "an object with kind, offset and scale");
        Require(info.Dataset is not null, "dataset", "an object describing the training data");
        try
        {
            info.Architecture.Validate(path);
            info.Training.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CheckpointFormatException(path, e.Message, e);
        }
        int features = info.Architecture.InputDim;
        try
        {
            info.Scaling.Validate(features);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            throw new CheckpointFormatException(path, $"field 'scaling': {e.Message}", e);
        }

        CheckTable(path, info);
        var d = info.Dataset;
        Require(d.Name is not null, "dataset.name", "the data set's name");
        Require(d.Source is not null, "dataset.source", "the path of the training data");
        Require(Enum.IsDefined(d.Format), "dataset.format", "\"idx\" or \"csv\"");
        Require(d.TrainRows >= 0 && d.ValidationRows >= 0 && d.TestRows >= 0, "dataset.train_rows/validation_rows/test_rows", "row counts >= 0");
        Require(d.FeatureNames is null || (d.FeatureNames.Count == features && d.FeatureNames.All(n => n is not null)),
            "dataset.feature_names", $"null or {features} names, one per feature of the model");
        Require(d.ImageShape is null || (d.ImageShape.Length == 3 && d.ImageShape.All(v => v > 0) && d.ImageShape.Aggregate(1L, (a, b) => a * b) == features),
            "dataset.image_shape", $"null or [C,H,W] with C*H*W = {features}");
        Require(d.ClassNames is null || d.ClassNames.All(n => n is not null), "dataset.class_names", "null or a list of names");

        if (info.Epoch < 0 || info.Step < 0) throw new CheckpointFormatException(path, $"fields 'epoch'/'step' are {info.Epoch}/{info.Step}; expected >= 0");
        Require(info.Metrics is not null && info.Metrics.All(m => m is not null), "metrics", "a list with one object per completed epoch");
        if (info.Metrics!.Count != info.Epoch)
            throw new CheckpointFormatException(path, $"field 'metrics' has {info.Metrics.Count} entries but 'epoch' is {info.Epoch}; expected one entry per completed epoch");
        if (info.BestEpoch is int best && (best < 1 || best > info.Epoch))
            throw new CheckpointFormatException(path, $"field 'best_epoch' is {best}; expected a completed epoch, 1 to {info.Epoch}");
        Require(info.StopReason is null || Enum.IsDefined(info.StopReason.Value), "stop_reason", "null, completed, early_stopping or interrupted");
        Require(info.CreatedUtc is not null, "created_utc", "the time the checkpoint was written");
        var files = new List<(string Field, string? File)> { ("weights_file", info.WeightsFile), ("optimizer_file", info.OptimizerFile) };
        if (info.BestWeightsFile is not null) files.Add(("best_weights_file", info.BestWeightsFile));
        foreach (var (field, file) in files)
            if (string.IsNullOrEmpty(file) || file != Path.GetFileName(file) || file is "." or "..")
                throw new CheckpointFormatException(path, $"field '{field}' is '{file}'; expected a file name inside the checkpoint folder");
    }

    private static void CheckTable(string path, CheckpointInfo info)
    {
        bool mixed = info.Architecture.Likelihood == Likelihood.Mixed;
        if (mixed != (info.Table is not null))
            throw new CheckpointFormatException(path, mixed ? "field 'table' is missing; a mixed-likelihood model needs its table's column schema"
                : "field 'table' is present but the likelihood is not mixed");
        if (info.Table is null) return;
        try
        {
            info.Table.Validate();
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointFormatException(path, $"field 'table': {e.Message}", e);
        }
        if (info.Table.FeatureCount != info.Architecture.InputDim)
            throw new CheckpointFormatException(path, $"field 'table' lays out {info.Table.FeatureCount} features; the architecture takes {info.Architecture.InputDim}");
    }

    /// <summary>Rebuilds the model of a checkpoint and loads its weights.</summary>
    public static (CheckpointInfo Info, VariationalAutoencoder Model) Load(string folder)
    {
        var info = ReadInfo(folder);
        var weights = Path.Combine(folder, info.WeightsFile);
        CheckFitsWeightsFile(weights, Path.Combine(folder, InfoFileName), info.Architecture, WeightsRole);
        var model = new VariationalAutoencoder(info.Architecture, info.Table);
        try
        {
            LoadWeights(folder, info, model);
            return (info, model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Loads the weights a checkpoint names into a model of its architecture.</summary>
    public static void LoadWeights(string folder, CheckpointInfo info, VariationalAutoencoder model) =>
        LoadWeightsFile(Path.Combine(folder, info.WeightsFile), Path.Combine(folder, InfoFileName), info.Architecture, model, WeightsRole);

    private const string WeightsRole = "weights file named by checkpoint.json";

    /// <summary>
    /// Refuses an architecture whose parameters cannot be in the weights file, before TorchSharp builds (and allocates) it:
    /// checkpoint.json has no bounds of its own, and a damaged "hidden" could ask for terabytes.
    /// </summary>
    private static void CheckFitsWeightsFile(string weightsPath, string infoPath, VaeArchitecture architecture, string role)
    {
        if (!File.Exists(weightsPath)) throw new CheckpointFormatException(weightsPath, $"{role} is missing");
        long parameters = architecture.ParameterCount(), length = new FileInfo(weightsPath).Length;
        if (parameters > length / sizeof(float))
            throw new CheckpointFormatException(infoPath, $"field 'architecture' describes a {architecture.Kind} model of {(parameters == long.MaxValue ? "more than 2^63" : parameters.ToString("N0"))} float parameters, but its weights file {weightsPath} holds {length:N0} bytes (at most {length / sizeof(float):N0} floats): the checkpoint is damaged");
    }

    private static void LoadWeightsFile(string path, string infoPath, VaeArchitecture architecture, VariationalAutoencoder model, string role)
    {
        CheckFitsWeightsFile(path, infoPath, architecture, role);
        // TorchSharp allocates whatever lengths a weights file declares before reading it, so the file is read here (it is
        // no longer than the model saves) and its names, types and shapes compared with what this model saves.
        var saved = new MemoryStream();
        model.save(saved);
        var layout = TorchSharpFileLayout.ForModule(saved.ToArray());
        var what = $"the {architecture.Kind} model that {infoPath} describes";
        long actual = new FileInfo(path).Length;
        if (actual != layout.Length)
            throw new CheckpointFormatException(path, $"{actual:N0} bytes, but {what} saves {layout.Length:N0}: the file is damaged or belongs to another architecture");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointFormatException(path, $"cannot read the {role}: {e.Message}", e);
        }
        layout.CheckSameStructure(path, bytes, what);
        try
        {
            model.load(new MemoryStream(bytes, writable: false), strict: true);
        }
        catch (Exception e) when (e is not CheckpointFormatException)
        {
            throw new CheckpointFormatException(path, $"cannot load the weights into the {architecture.Kind} model with hidden [{string.Join(",", architecture.Hidden)}] and latent {architecture.LatentDim} that {infoPath} describes: {e.Message}", e);
        }
    }

    /// <summary>
    /// Loads the optimiser state a checkpoint names into <paramref name="optimizer"/>, a fresh Adam over the parameters of the
    /// checkpoint's model built with the checkpoint's training options.
    /// </summary>
    public static void LoadOptimizer(string folder, CheckpointInfo info, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        var path = Path.Combine(folder, info.OptimizerFile);
        if (!File.Exists(path)) throw new CheckpointFormatException(path, "optimizer file named by checkpoint.json is missing");
        // As for weights: TorchSharp reads shapes and lengths from the file and trusts them (a damaged shape crashes the
        // process), so the file must have the structure the fresh optimizer saves before TorchSharp sees it.
        var saved = new MemoryStream();
        using (var writer = new BinaryWriter(saved, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(writer);
        var layout = TorchSharpFileLayout.ForAdam(saved.ToArray());
        var what = $"the Adam state of the model and training options that {Path.Combine(folder, InfoFileName)} describes";
        long actual = new FileInfo(path).Length;
        if (actual != layout.Length)
            throw new CheckpointFormatException(path, $"{actual:N0} bytes, but {what} saves {layout.Length:N0}: the file is damaged or belongs to another checkpoint");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointFormatException(path, $"cannot read the optimizer state: {e.Message}", e);
        }
        layout.CheckSameStructure(path, bytes, what);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
            optimizer.load_state_dict(reader);
        }
        catch (Exception e) when (e is not CheckpointFormatException)
        {
            throw new CheckpointFormatException(path, $"cannot load the optimizer state: {e.Message}", e);
        }
    }
}
