using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract;

namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// What every pass shares: the pool of block buffers (megabytes of arrays are allocated once per pass, not per block),
/// the run options, the graphs it opened (closed with it), and the pair's encoder and decoder as graph calls with the
/// pair's condition and posterior composed in.
/// </summary>
internal abstract class ScoringPass : IScoringPass
{
    private readonly ConcurrentBag<ScoringBuffers> _pool = new();
    private readonly int _poolLimit = Math.Max(4, 2 * Environment.ProcessorCount);
    private readonly List<GraphCall> _graphs = [];
    private readonly BlockArrays _arrays;
    private readonly int _draws;

    /// <summary>A pass on <paramref name="model"/> whose blocks hold <paramref name="arrays"/> and <paramref name="draws"/> flow draws per row.</summary>
    private protected ScoringPass(VaeModel model, BlockArrays arrays, int draws = 0)
    {
        Model = model;
        Condition = ConditionInput.For(model);
        (_arrays, _draws) = (arrays, draws);
    }

    /// <inheritdoc />
    public VaeModel Model { get; }

    /// <inheritdoc />
    public virtual int InputWidth => Model.InputDim;

    /// <summary>The pair's condition, fed to every graph that takes one.</summary>
    private protected ConditionInput Condition { get; }

    /// <summary>The options of every run.</summary>
    private protected RunOptions RunOptions { get; } = new();

    /// <summary>
    /// The options of a pass that runs several graphs one after another on the same cores: their threads must not spin
    /// while another one works.
    /// </summary>
    private protected VaeSessionOptions TakingTurns => Model.Options with { AllowSpinning = false };

    /// <inheritdoc />
    public virtual float[] InputOf(ScoringBuffers buffers) => buffers.Input;

    /// <inheritdoc />
    public ScoringBuffers RentBuffers(int blockSize)
    {
        while (_pool.TryTake(out var buffers))
        {
            if (buffers.BlockSize == blockSize) return buffers;
            buffers.Dispose();
        }
        var created = new ScoringBuffers(_arrays, Model.InputDim, Model.LatentDim, blockSize, Model.ConditionDim, _draws, Model.Table);
        Prepare(created);
        return created;
    }

    /// <inheritdoc />
    public void ReturnBuffers(ScoringBuffers buffers)
    {
        // Enough sets for the callers that run at once; more would only hold memory.
        if (_pool.Count < _poolLimit) _pool.Add(buffers);
        else buffers.Dispose();
    }

    /// <inheritdoc />
    public void Run(ScoringBuffers buffers, int rows)
    {
        var made = new List<OrtValue>(rows == buffers.BlockSize ? 0 : 12);
        try
        {
            Run(buffers, rows, made);
        }
        finally
        {
            foreach (var value in made) value.Dispose();
        }
    }

    /// <summary>Scores the first <paramref name="rows"/> rows; values made for a short block go into <paramref name="made"/>.</summary>
    private protected abstract void Run(ScoringBuffers buffers, int rows, List<OrtValue> made);

    /// <summary>Fills what new buffers hold for every block (nothing unless a pass overrides it).</summary>
    private protected virtual void Prepare(ScoringBuffers buffers)
    {
    }

    /// <summary>
    /// Runs <paramref name="open"/>, which checks the pair and opens the pass's graphs; if it fails, closes what is already
    /// open (the run options and any graph) before the exception leaves the constructor.
    /// </summary>
    private protected void Open(Action open)
    {
        try
        {
            open();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>A graph call on the pair's <paramref name="role"/> graph, closed with the pass.</summary>
    private protected GraphCall Graph(GraphRole role, VaeSessionOptions options) => Own(new GraphCall(Model.CreateSession(role, options)));

    /// <summary>A graph call on a graph built here (a score graph), closed with the pass.</summary>
    private protected GraphCall Graph(byte[] graph, VaeSessionOptions options)
    {
        using var sessionOptions = options.CreateSessionOptions(out _);
        return Own(new GraphCall(new InferenceSession(graph, sessionOptions)));
    }

    /// <summary>The encoder: x (and the condition, and a flow's noise) to mu and logvar (and a flow's draws).</summary>
    private protected GraphCall Encoder(VaeSessionOptions options, PosteriorStep posterior)
    {
        int d = Model.InputDim, l = Model.LatentDim;
        var encoder = Graph(GraphRole.Encoder, options).In(Model.EncoderInput, ScoringBuffers.Value(b => b.Input, d));
        Condition.FeedEncoder(encoder);
        encoder.Out(Model.EncoderMu, ScoringBuffers.Value(b => b.Mu, l)).Out(Model.EncoderLogVar, ScoringBuffers.Value(b => b.LogVar, l));
        posterior.FeedEncoder(encoder);
        return encoder;
    }

    /// <summary>The decoder: the z in the array <paramref name="z"/> picks (and the condition) to <paramref name="output"/> in <see cref="ScoringBuffers.XHat"/>.</summary>
    private protected GraphCall Decoder(VaeSessionOptions options, Func<ScoringBuffers, float[]> z, string output)
    {
        var decoder = Graph(GraphRole.Decoder, options).In(Model.DecoderInput, ScoringBuffers.Value(z, Model.LatentDim));
        Condition.FeedDecoder(decoder);
        return decoder.Out(output, ScoringBuffers.Value(b => b.XHat, Model.InputDim));
    }

    /// <summary>Refuses a table pair, whose encoder takes typed columns rather than a vector x.</summary>
    private protected void RequireVectorPair()
    {
        if (Model.IsTable)
            throw new ArgumentException($"{Model.EncoderPath}: a table pair takes typed columns; score it with VaeTableScore (or decode latents with VaeDecode)");
    }

    private GraphCall Own(GraphCall graph)
    {
        _graphs.Add(graph);
        return graph;
    }

    /// <summary>Closes the sessions and releases the pooled buffers.</summary>
    public void Dispose()
    {
        while (_pool.TryTake(out var buffers)) buffers.Dispose();
        foreach (var graph in _graphs) graph.Dispose();
        _graphs.Clear();
        RunOptions.Dispose();
    }
}
