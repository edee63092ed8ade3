using Microsoft.ML.OnnxRuntime;

namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// One graph of a pass: its session, and for each of its inputs and outputs the graph's name and the block value that
/// feeds or receives it. A variant adds its own values (a condition input, a flow's noise and draws) before the pass runs,
/// so the pass itself never asks which variant it has. Owns and disposes the session.
/// </summary>
internal sealed class GraphCall(InferenceSession session) : IDisposable
{
    private readonly List<string> _inputNames = [], _outputNames = [];
    private readonly List<BlockValue> _inputs = [], _outputs = [];

    /// <summary>Feeds the graph input <paramref name="name"/> from <paramref name="value"/>.</summary>
    public GraphCall In(string name, BlockValue value)
    {
        _inputNames.Add(name);
        _inputs.Add(value);
        return this;
    }

    /// <summary>Writes the graph output <paramref name="name"/> into <paramref name="value"/>.</summary>
    public GraphCall Out(string name, BlockValue value)
    {
        _outputNames.Add(name);
        _outputs.Add(value);
        return this;
    }

    /// <summary>Runs the graph on the first <paramref name="rows"/> rows of <paramref name="buffers"/>.</summary>
    public void Run(RunOptions options, ScoringBuffers buffers, int rows, List<OrtValue> made) =>
        session.Run(options, _inputNames, Values(_inputs, buffers, rows, made), _outputNames, Values(_outputs, buffers, rows, made));

    /// <summary>
    /// Runs the graph on a full block through an I/O binding made on first use and owned by <paramref name="buffers"/>:
    /// later full blocks run without naming or marshalling their inputs and outputs again (only for numeric values, which
    /// stay bound to the same arrays).
    /// </summary>
    public void RunBound(RunOptions options, ScoringBuffers buffers) => session.RunWithBinding(options, buffers.Binding(this, () => Bind(buffers)));

    private OrtIoBinding Bind(ScoringBuffers buffers)
    {
        var unused = new List<OrtValue>(0); // full blocks: every value is owned by the buffers
        var binding = session.CreateIoBinding();
        try
        {
            for (int i = 0; i < _inputs.Count; i++) binding.BindInput(_inputNames[i], _inputs[i](buffers, buffers.BlockSize, unused));
            for (int i = 0; i < _outputs.Count; i++) binding.BindOutput(_outputNames[i], _outputs[i](buffers, buffers.BlockSize, unused));
            return binding;
        }
        catch
        {
            binding.Dispose();
            throw;
        }
    }

    private static OrtValue[] Values(List<BlockValue> values, ScoringBuffers buffers, int rows, List<OrtValue> made)
    {
        var result = new OrtValue[values.Count];
        for (int i = 0; i < result.Length; i++) result[i] = values[i](buffers, rows, made);
        return result;
    }

    /// <summary>Closes the session.</summary>
    public void Dispose() => session.Dispose();
}
