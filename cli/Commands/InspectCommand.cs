using System.CommandLine;
using VaeOnnx.Export;
using VaeOnnx.Inference.Contract;

namespace VaeOnnx.Cli.Commands;

/// <summary><c>vae inspect</c>: what a model folder or ONNX file declares (dims, names, opset, metadata, parameters, sizes).</summary>
public static class InspectCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder (encoder.onnx + decoder.onnx) or a single .onnx file.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("inspect", """
            Show what ONNX graphs declare: IR version, opsets, producer, inputs and outputs with dims, parameter count,
            file size and metadata. Works on graphs from other tools too.
            Examples:
              vae inspect --model models/fashion-mnist-mlp
              vae inspect --model other-tool/encoder.onnx --json
            """)
        { model, json };
        command.SetAction(parse => CommandRunner.Run(parse, () =>
        {
            var path = parse.GetValue(model)!;
            var files = Directory.Exists(path)
                ? new[] { ModelCard.EncoderFileName, ModelCard.DecoderFileName }.Select(f => Path.Combine(path, f)).Where(File.Exists).ToArray()
                : [path];
            if (files.Length == 0) throw new FileNotFoundException($"{path}: no {ModelCard.EncoderFileName} or {ModelCard.DecoderFileName} in this folder", path);
            var summaries = files.Select(OnnxModelReader.Read).ToArray();
            var stdout = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                CommandRunner.WriteJson(stdout, summaries.ToDictionary(s => Path.GetFileName(s.Path), s => (object)new Dictionary<string, object?>
                {
                    ["path"] = s.Path, ["file_bytes"] = s.FileBytes, ["ir_version"] = s.IrVersion, ["opsets"] = s.Opsets,
                    ["producer"] = $"{s.ProducerName} {s.ProducerVersion}".Trim(), ["model_version"] = s.ModelVersion,
                    ["inputs"] = s.Inputs.Select(v => v.ToString()).ToArray(), ["outputs"] = s.Outputs.Select(v => v.ToString()).ToArray(),
                    ["nodes"] = s.NodeCount, ["operators"] = s.Operators, ["parameters"] = s.ParameterCount, ["metadata"] = s.Metadata,
                }));
                return 0;
            }
            foreach (var s in summaries)
            {
                stdout.WriteLine($"{s.Path} ({s.FileBytes:N0} bytes)");
                stdout.WriteLine($"  ir_version {s.IrVersion}, opsets {string.Join(", ", s.Opsets.Select(o => $"{(o.Key == "" ? "ai.onnx" : o.Key)} {o.Value}"))}, producer {s.ProducerName} {s.ProducerVersion}");
                stdout.WriteLine($"  inputs:  {string.Join("; ", s.Inputs)}");
                stdout.WriteLine($"  outputs: {string.Join("; ", s.Outputs)}");
                stdout.WriteLine($"  {s.NodeCount} nodes ({string.Join(", ", s.Operators.Select(o => $"{o.Key} x{o.Value}"))}), {s.ParameterCount:N0} parameters");
                foreach (var (key, value) in s.Metadata.OrderBy(m => m.Key))
                    stdout.WriteLine($"  {key} = {(value.Length > 120 ? value[..117] + "..." : value)}");
            }
            return 0;
        }));
        return command;
    }
}
