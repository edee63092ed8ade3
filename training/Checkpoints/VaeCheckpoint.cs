using System.Text.Json;
using TorchSharp;
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
            if (name != info.WeightsFile && name != info.OptimizerFile && (name.StartsWith("weights-") || name.StartsWith("optimizer-")))
                File.Delete(stale);
        }
        return info;
    }

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
        if (info.FormatVersion != CheckpointInfo.CurrentFormatVersion)
            throw new CheckpointFormatException(path, $"field 'format_version' is {info.FormatVersion}; expected {CheckpointInfo.CurrentFormatVersion}");
        try
        {
            info.Architecture.Validate(path);
            info.Training.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CheckpointFormatException(path, e.Message, e);
        }
        if (info.Scaling is null) throw new CheckpointFormatException(path, "field 'scaling' is missing");
        try
        {
            info.Scaling.Validate(info.Architecture.InputDim);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            throw new CheckpointFormatException(path, $"field 'scaling': {e.Message}", e);
        }
        if (info.Epoch < 0 || info.Step < 0) throw new CheckpointFormatException(path, $"fields 'epoch'/'step' are {info.Epoch}/{info.Step}; expected >= 0");
        foreach (var (field, file) in new[] { ("weights_file", info.WeightsFile), ("optimizer_file", info.OptimizerFile) })
            if (string.IsNullOrEmpty(file) || file != Path.GetFileName(file))
                throw new CheckpointFormatException(path, $"field '{field}' is '{file}'; expected a file name inside the checkpoint folder");
        return info;
    }

    /// <summary>Rebuilds the model of a checkpoint and loads its weights.</summary>
    public static (CheckpointInfo Info, VariationalAutoencoder Model) Load(string folder)
    {
        var info = ReadInfo(folder);
        var model = new VariationalAutoencoder(info.Architecture);
        LoadWeights(folder, info, model);
        return (info, model);
    }

    /// <summary>Loads the weights a checkpoint names into a model of its architecture.</summary>
    public static void LoadWeights(string folder, CheckpointInfo info, VariationalAutoencoder model)
    {
        var path = Path.Combine(folder, info.WeightsFile);
        var infoPath = Path.Combine(folder, InfoFileName);
        if (!File.Exists(path)) throw new CheckpointFormatException(path, "weights file named by checkpoint.json is missing");
        // TorchSharp allocates what a weights file declares before it reads it. A model of this architecture always saves
        // to the same number of bytes, so a file of another length is refused before TorchSharp sees it.
        long expected = SavedLength(model), actual = new FileInfo(path).Length;
        if (actual != expected)
            throw new CheckpointFormatException(path, $"{actual:N0} bytes, but the {info.Architecture.Kind} model that {infoPath} describes saves {expected:N0}: the file is damaged or belongs to another architecture");
        try
        {
            using var stream = File.OpenRead(path);
            model.load(stream, strict: true);
        }
        catch (Exception e) when (e is not CheckpointFormatException)
        {
            throw new CheckpointFormatException(path, $"cannot load the weights into the {info.Architecture.Kind} model with hidden [{string.Join(",", info.Architecture.Hidden)}] and latent {info.Architecture.LatentDim} that {infoPath} describes: {e.Message}", e);
        }
    }

    /// <summary>The exact size of <paramref name="model"/>'s weights in TorchSharp's format (names, shapes and float data).</summary>
    private static long SavedLength(VariationalAutoencoder model)
    {
        var counter = new MemoryStream();
        model.save(counter);
        return counter.ToArray().LongLength;
    }

    /// <summary>Loads the optimiser state a checkpoint names.</summary>
    public static void LoadOptimizer(string folder, CheckpointInfo info, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        var path = Path.Combine(folder, info.OptimizerFile);
        if (!File.Exists(path)) throw new CheckpointFormatException(path, "optimizer file named by checkpoint.json is missing");
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            optimizer.load_state_dict(reader);
        }
        catch (Exception e) when (e is not CheckpointFormatException)
        {
            throw new CheckpointFormatException(path, $"cannot load the optimizer state: {e.Message}", e);
        }
    }
}
