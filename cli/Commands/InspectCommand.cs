using System.CommandLine;
using VaeOnnx.Contract.Onnx;
using VaeOnnx.Inference;

namespace VaeOnnx.Cli.Commands;

/// <summary>
/// <c>vae inspect</c>: what a model folder or ONNX file declares (dims, names, opset, metadata, parameters, sizes) and, for a
/// folder, whether it loads as a pair. The files are read with the contract's one ONNX reader and the verdict is
/// <see cref="VaeModel.Load(string, VaeSessionOptions?, Likelihood?)"/>'s own, so inspect and the loader never disagree.
/// </summary>
public static class InspectCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder (encoder.onnx + decoder.onnx) or a single .onnx file.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("inspect", """
            Show what ONNX graphs declare: IR version, opsets, producer, inputs and outputs with dims, parameter count,
            file size and metadata. Works on graphs from other tools too. For a model folder it also says whether the
            pair loads, and exits with 1 when it does not.
            Examples:
              vae inspect --model models/fashion-mnist-mlp
              vae inspect --model other-tool/encoder.onnx --json
            """)
        { model, json };
        command.SetAction(parse => CommandRunner.Run(parse, () =>
        {
            var path = parse.GetValue(model)!;
            var stdout = parse.InvocationConfiguration.Output;
            bool asJson = parse.GetValue(json);
            if (!Directory.Exists(path))
            {
                var summary = OnnxFile.Read(path);
                if (asJson) CommandRunner.WriteJson(stdout, new Dictionary<string, object?> { [Path.GetFileName(path)] = Json(summary) });
                else Print(stdout, summary);
                return 0;
            }
            var files = new[] { ModelCard.EncoderFileName, ModelCard.DecoderFileName }.Select(f => Path.Combine(path, f)).ToArray();
            var summaries = files.Select(Read).ToArray();
            var verdict = Verdict(path);
            if (asJson) WriteJson(stdout, files, summaries, verdict);
            else
            {
                for (int i = 0; i < files.Length; i++)
                    if (summaries[i].Summary is { } s) Print(stdout, s);
                    else stdout.WriteLine($"{files[i]}: {summaries[i].Error}");
                if (verdict.Model is { } m) PrintPair(stdout, m);
                else stdout.WriteLine($"pair: does not load: {verdict.Error}");
            }
            return verdict.Model is null ? VaeCommandLine.Failure : 0;
        }));
        return command;
    }

    /// <summary>Whether the folder loads as a pair: the model, or the loader's message.</summary>
    public static (VaeModel? Model, string? Error) Verdict(string folder)
    {
        try
        {
            // The load's information note is printed with the pair, not on standard error.
            return (VaeModel.Load(folder, new VaeSessionOptions { Log = _ => { } }), null);
        }
        catch (VaeModelLoadException e)
        {
            return (null, e.Message);
        }
    }

    private static (OnnxFileSummary? Summary, string? Error) Read(string file)
    {
        try
        {
            return (OnnxFile.Read(file), null);
        }
        catch (ModelFileException e)
        {
            return (null, e.Message);
        }
    }

    private static void WriteJson(TextWriter stdout, string[] files, (OnnxFileSummary? Summary, string? Error)[] summaries, (VaeModel? Model, string? Error) verdict)
    {
        var result = new Dictionary<string, object?>();
        for (int i = 0; i < files.Length; i++)
            result[Path.GetFileName(files[i])] = summaries[i].Summary is { } s ? Json(s) : new Dictionary<string, object?> { ["path"] = files[i], ["error"] = summaries[i].Error };
        result["pair"] = verdict.Model is { } m
            ? new Dictionary<string, object?>
            {
                ["loads"] = true, ["pair_id"] = m.PairId, ["input_dim"] = m.InputDim, ["input_shape"] = m.InputShape, ["latent_dim"] = m.LatentDim,
                ["likelihood"] = m.Likelihood is { } l ? EnumText.Of(l) : null, ["has_metadata"] = m.HasMetadata, ["max_batch_rows"] = m.MaxBatchRows == int.MaxValue ? null : m.MaxBatchRows,
                ["input_layout"] = EnumText.Of(m.InputLayout),
                ["image"] = m.Image is { } image ? new Dictionary<string, int> { ["channels"] = image.Channels, ["height"] = image.Height, ["width"] = image.Width } : null,
                ["encoder_mean"] = m.EncoderMu, ["encoder_spread"] = m.EncoderSpread, ["spread_kind"] = EnumText.Of(m.EncoderSpreadKind),
                ["ignored_outputs"] = m.IgnoredEncoderOutputs, ["graphs_adapted"] = m.GraphsAdapted,
                ["weights_verified"] = m.WeightsVerified, ["note"] = m.LoadNote,
            }
            : new Dictionary<string, object?> { ["loads"] = false, ["error"] = verdict.Error };
        CommandRunner.WriteJson(stdout, result);
    }

    private static Dictionary<string, object?> Json(OnnxFileSummary s) => new()
    {
        ["path"] = s.Path, ["file_bytes"] = s.FileBytes, ["ir_version"] = s.IrVersion, ["opsets"] = s.Opsets,
        ["producer"] = $"{s.ProducerName} {s.ProducerVersion}".Trim(), ["model_version"] = s.ModelVersion,
        ["inputs"] = s.Inputs.Select(v => v.ToString()).ToArray(), ["outputs"] = s.Outputs.Select(v => v.ToString()).ToArray(),
        ["nodes"] = s.NodeCount, ["operators"] = s.Operators, ["parameters"] = s.ParameterCount, ["weights_digest"] = s.WeightsDigest,
        ["metadata"] = s.Metadata,
    };

    private static void PrintPair(TextWriter stdout, VaeModel m)
    {
        var row = m.Image is { } image ? $"images {image}" : $"{m.InputDim} features of shape {string.Join("x", m.InputShape)}";
        stdout.WriteLine($"pair: loads (pair id {m.PairId}, {m.InputDim} values per row: {row}, latent {m.LatentDim}, likelihood {(m.Likelihood is { } l ? EnumText.Of(l) : "unknown")}, {(m.HasMetadata ? "VaeOnnx metadata" : "no VaeOnnx metadata")})");
        var spread = m.EncoderSpreadKind switch
        {
            SpreadKind.LogVariance => $"log-variance '{m.EncoderSpread}'",
            SpreadKind.StandardDeviation => $"standard deviation '{m.EncoderSpread}' (logvar = 2 ln sigma)",
            SpreadKind.Variance => $"variance '{m.EncoderSpread}' (logvar = ln var)",
            _ => $"log standard deviation '{m.EncoderSpread}' (logvar = 2 log sigma)",
        };
        var ignored = m.IgnoredEncoderOutputs.Count == 0 ? "" : $", ignored {string.Join(", ", m.IgnoredEncoderOutputs.Select(o => $"'{o}'"))}";
        stdout.WriteLine($"  encoder outputs: mean '{m.EncoderMu}', {spread}{ignored}");
        if (m.GraphsAdapted)
            stdout.WriteLine($"  scored as rows of {m.InputDim} floats in {EnumText.Of(m.InputLayout)} order through the files' graphs with nodes added at their edges (reshape, log-variance, symbolic sizes fixed)");
        stdout.WriteLine(m.WeightsVerified ? "  weights: both digests match the files" : $"  weights: {m.LoadNote}");
    }

    private static void Print(TextWriter stdout, OnnxFileSummary s)
    {
        stdout.WriteLine($"{s.Path} ({s.FileBytes:N0} bytes)");
        stdout.WriteLine($"  ir_version {s.IrVersion}, opsets {string.Join(", ", s.Opsets.Select(o => $"{(o.Key == "" ? "ai.onnx" : o.Key)} {o.Value}"))}, producer {s.ProducerName} {s.ProducerVersion}");
        stdout.WriteLine($"  inputs:  {string.Join("; ", s.Inputs)}");
        stdout.WriteLine($"  outputs: {string.Join("; ", s.Outputs)}");
        stdout.WriteLine($"  {s.NodeCount} nodes ({string.Join(", ", s.Operators.Select(o => $"{o.Key} x{o.Value}"))}), {s.ParameterCount:N0} parameters");
        var recorded = s.Metadata.GetValueOrDefault(VaeMetadataKeys.WeightsDigest);
        stdout.WriteLine($"  weights digest {s.WeightsDigest} ({(recorded is null ? "none recorded" : recorded == s.WeightsDigest ? "matches the recorded one" : $"DIFFERS from the recorded {recorded}")})");
        foreach (var (key, value) in s.Metadata.OrderBy(m => m.Key))
            stdout.WriteLine($"  {key} = {(value.Length > 120 ? value[..117] + "..." : value)}");
    }
}
