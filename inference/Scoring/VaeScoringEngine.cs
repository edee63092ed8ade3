using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using VaeOnnx.Contract;

namespace VaeOnnx.Inference.Scoring;

/// <summary>
/// The one scoring engine of a loaded pair: the ONNX Runtime sessions a stage needs, run on blocks of rows held in
/// <see cref="ScoringBuffers"/> (one call per graph per block; a single row is a block of one). The ML.NET transformers
/// (whole data views and <c>PredictionEngine</c> rows, and so the chains <see cref="Serving.VaeChainHost"/> serves) all
/// score through it.
/// Run may be called from many threads at once, each with its own buffers: ONNX Runtime allows concurrent runs of a session.
/// A conditional pair's graphs also take the block's conditions; a flow posterior's encoder takes noise draws (zeros for
/// the flow of the mean, which reconstruction and the score decode) and returns z and log q(z|x) for each.
/// </summary>
internal sealed class VaeScoringEngine : IDisposable
{
    /// <summary>
    /// Draws of the anomaly score's KL estimate for a flow posterior: KL(q(z|x) || p(z)) has no closed form after the flow,
    /// so the score uses the mean of log q(z|x) - log p(z) over this many fixed draws (the same for every row).
    /// </summary>
    public const int FlowKlDraws = 32;

    private static readonly string[] ScoreInputs = [AnomalyScoreGraph.X, AnomalyScoreGraph.Mu, AnomalyScoreGraph.LogVar, AnomalyScoreGraph.XHat];
    private static readonly string[] FlowScoreInputs = [AnomalyScoreGraph.X, AnomalyScoreGraph.Z, AnomalyScoreGraph.LogQ, AnomalyScoreGraph.XHat];
    private static readonly string[] ScoreOutputs = [.. VaeScoreParts.All];
    private static readonly string[] TableEncoderOutputs = [TableGraphNames.Mu, TableGraphNames.LogVar, TableGraphNames.Features, TableGraphNames.Observed, TableGraphNames.Unknown];
    private static readonly string[] TableScoreInputs =
        [TableScoreGraph.Features, TableScoreGraph.Observed, TableScoreGraph.Unknown, TableScoreGraph.Mu, TableScoreGraph.LogVar, TableScoreGraph.Logits];
    private static readonly string[] TableScoreOutputs = [VaeScoreParts.Score, VaeScoreParts.Reconstruction, VaeScoreParts.Kl, TableScoreGraph.Contributions];
    private readonly string[] _tableInputs = [];
    private readonly InferenceSession? _encoder, _decoder, _score;
    private readonly RunOptions _runOptions = new();
    private readonly ConcurrentBag<ScoringBuffers> _pool = new();
    private readonly int _poolLimit = Math.Max(4, 2 * Environment.ProcessorCount);
    private readonly string[] _encoderInputs, _encoderOutputs, _decoderInputs;
    private readonly int _seed;

    /// <summary>Opens the sessions <paramref name="stage"/> needs; <paramref name="seed"/> seeds the draws of <see cref="ScoringStage.SamplePosterior"/>.</summary>
    public VaeScoringEngine(VaeModel model, ScoringStage stage, int seed = 0)
    {
        Model = model;
        Stage = stage;
        _seed = seed;
        var posterior = model.Posterior;
        _encoderInputs = new[] { model.EncoderInput, model.EncoderConditionInput, posterior?.EpsInput }.OfType<string>().ToArray();
        _encoderOutputs = new[] { model.EncoderMu, model.EncoderLogVar, posterior?.ZOutput, posterior?.LogQOutput }.OfType<string>().ToArray();
        _decoderInputs = new[] { model.DecoderInput, model.DecoderConditionInput }.OfType<string>().ToArray();
        Draws = posterior is null ? 0 : stage == ScoringStage.AnomalyScore ? 1 + FlowKlDraws : 1;
        // Several sessions take turns on the same cores: their threads must not spin while another one works.
        var options = stage is ScoringStage.Reconstruct or ScoringStage.AnomalyScore or ScoringStage.TableScore ? model.Options with { AllowSpinning = false } : model.Options;
        if (model.IsTable ? stage is not (ScoringStage.TableScore or ScoringStage.Decode) : stage == ScoringStage.TableScore)
            throw new ArgumentException(model.IsTable
                ? $"{model.EncoderPath}: a table pair takes typed columns; score it with VaeTableScore (or decode latents with VaeDecode)"
                : $"{model.EncoderPath}: not a table pair; VaeTableScore scores pairs exported from table models");
        try
        {
            if (stage != ScoringStage.Decode) _encoder = model.CreateSession(GraphRole.Encoder, options);
            if (stage is not (ScoringStage.Encode or ScoringStage.SamplePosterior)) _decoder = model.CreateSession(GraphRole.Decoder, options);
            if (stage is ScoringStage.AnomalyScore or ScoringStage.TableScore)
            {
                using var sessionOptions = options.CreateSessionOptions(out _);
                _score = new InferenceSession(stage == ScoringStage.TableScore ? TableScoreGraph.Build(model.Table!, model.LatentDim, model.DecoderLogVar, model.PairId) : AnomalyScoreGraph.Build(model), sessionOptions);
                if (stage == ScoringStage.TableScore) _tableInputs = model.Table!.Columns.Select(c => c.Name).ToArray();
                if (stage == ScoringStage.TableScore && model.EncoderConditionInput is { } condition) _tableInputs = [.. _tableInputs, condition];
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The pair.</summary>
    public VaeModel Model { get; }

    /// <summary>The widest stage the sessions allow.</summary>
    public ScoringStage Stage { get; }

    /// <summary>Noise draws per row a flow posterior's encoder runs with in this engine (0 for a Gaussian posterior).</summary>
    public int Draws { get; }

    /// <summary>Values per input row of <paramref name="stage"/>: L for decoding, else D.</summary>
    public int InputWidth(ScoringStage stage) => stage == ScoringStage.Decode ? Model.LatentDim : Model.InputDim;

    /// <summary>Where the input rows of <paramref name="stage"/> go: z into <see cref="ScoringBuffers.Mu"/>, x into <see cref="ScoringBuffers.Input"/>.</summary>
    public static float[] InputSlot(ScoringBuffers buffers, ScoringStage stage) => stage == ScoringStage.Decode ? buffers.Mu : buffers.Input;

    /// <summary>Buffers for blocks of <paramref name="blockSize"/> rows: reused from an earlier caller when one was returned.</summary>
    public ScoringBuffers RentBuffers(int blockSize)
    {
        while (_pool.TryTake(out var buffers))
        {
            if (buffers.BlockSize == blockSize) return buffers;
            buffers.Dispose();
        }
        var created = new ScoringBuffers(Stage, Model.InputDim, Model.LatentDim, blockSize, Model.ConditionDim, Draws, Model.Table);
        if (Draws > 1) FillKlDraws(created);
        return created;
    }

    /// <summary>Gives buffers back for the next caller (megabytes of arrays are then allocated once per engine, not per pass).</summary>
    public void ReturnBuffers(ScoringBuffers buffers)
    {
        // Enough sets for the callers that run at once; more would only hold memory.
        if (_pool.Count < _poolLimit) _pool.Add(buffers);
        else buffers.Dispose();
    }

    /// <summary>Scores the first <paramref name="rows"/> rows held in <paramref name="buffers"/> up to <paramref name="stage"/>.</summary>
    public void Run(ScoringBuffers buffers, int rows, ScoringStage stage)
    {
        if (!Covers(stage)) throw new InvalidOperationException($"this engine was opened for {Stage}, not {stage}");
        if (TryRunBound(buffers, rows, stage)) return;
        int d = Model.InputDim, l = Model.LatentDim;
        var made = new List<OrtValue>(rows == buffers.BlockSize ? 0 : 12);
        try
        {
            var c = Model.IsConditional ? buffers.Tensor(buffers.Condition, Model.ConditionDim, rows, made) : null;
            if (stage == ScoringStage.TableScore)
            {
                RunTable(buffers, rows, buffers.Tensor(buffers.Mu, l, rows, made), c, made);
                return;
            }
            if (stage == ScoringStage.Decode)
            {
                Decode(buffers.Tensor(buffers.Mu, l, rows, made), c, buffers.Tensor(buffers.XHat, d, rows, made));
                return;
            }
            var x = buffers.Tensor(buffers.Input, d, rows, made);
            var mu = buffers.Tensor(buffers.Mu, l, rows, made);
            var logvar = buffers.Tensor(buffers.LogVar, l, rows, made);
            bool flow = Model.Posterior is not null;
            if (flow && stage == ScoringStage.SamplePosterior) Array.Clear(buffers.Eps, 0, rows * buffers.Draws * l);
            Encode(buffers, rows, x, c, mu, logvar, made);
            if (stage == ScoringStage.Encode) return;
            if (stage == ScoringStage.SamplePosterior)
            {
                SamplePosterior(buffers, rows, x, c, mu, logvar, made);
                return;
            }
            if (flow) FirstDraws(buffers, rows);
            var decoded = flow ? buffers.Tensor(buffers.Latent, l, rows, made) : mu;
            var xHat = buffers.Tensor(buffers.XHat, d, rows, made);
            Decode(decoded, c, xHat);
            if (stage == ScoringStage.Reconstruct) return;
            var parts = new[] { buffers.Tensor(buffers.Score, 0, rows, made), buffers.Tensor(buffers.Reconstruction, 0, rows, made),
                buffers.Tensor(buffers.Kl, 0, rows, made), buffers.Tensor(buffers.SquaredError, 0, rows, made) };
            if (flow)
                _score!.Run(_runOptions, FlowScoreInputs, [x, DrawsTensor(buffers, buffers.Z, rows, made, l), DrawsTensor(buffers, buffers.LogQ, rows, made), xHat], ScoreOutputs, parts);
            else
                _score!.Run(_runOptions, ScoreInputs, [x, mu, logvar, xHat], ScoreOutputs, parts);
        }
        finally
        {
            foreach (var value in made) value.Dispose();
        }
    }

    /// <summary>
    /// A full block of a one-graph stage (encode or decode of a Gaussian posterior): one ONNX Runtime call through the
    /// buffers' I/O binding, made once, so that nothing is allocated or looked up per block (or per PredictionEngine row).
    /// </summary>
    private bool TryRunBound(ScoringBuffers buffers, int rows, ScoringStage stage)
    {
        if (rows != buffers.BlockSize || Model.Posterior is not null || stage is not (ScoringStage.Encode or ScoringStage.Decode)) return false;
        var session = stage == ScoringStage.Encode ? _encoder! : _decoder!;
        session.RunWithBinding(_runOptions, buffers.Binding(stage, () => Bind(session, buffers, stage)));
        return true;
    }

    private OrtIoBinding Bind(InferenceSession session, ScoringBuffers buffers, ScoringStage stage)
    {
        int d = Model.InputDim, l = Model.LatentDim, rows = buffers.BlockSize;
        var unused = new List<OrtValue>(0); // full blocks: every value is owned by the buffers
        var binding = session.CreateIoBinding();
        try
        {
            if (stage == ScoringStage.Encode)
            {
                binding.BindInput(Model.EncoderInput, buffers.Tensor(buffers.Input, d, rows, unused));
                if (Model.EncoderConditionInput is { } condition) binding.BindInput(condition, buffers.Tensor(buffers.Condition, Model.ConditionDim, rows, unused));
                binding.BindOutput(Model.EncoderMu, buffers.Tensor(buffers.Mu, l, rows, unused));
                binding.BindOutput(Model.EncoderLogVar, buffers.Tensor(buffers.LogVar, l, rows, unused));
            }
            else
            {
                binding.BindInput(Model.DecoderInput, buffers.Tensor(buffers.Mu, l, rows, unused));
                if (Model.DecoderConditionInput is { } condition) binding.BindInput(condition, buffers.Tensor(buffers.Condition, Model.ConditionDim, rows, unused));
                binding.BindOutput(Model.DecoderOutput, buffers.Tensor(buffers.XHat, d, rows, unused));
            }
            return binding;
        }
        catch
        {
            binding.Dispose();
            throw;
        }
    }

    private void Encode(ScoringBuffers buffers, int rows, OrtValue x, OrtValue? c, OrtValue mu, OrtValue logvar, List<OrtValue> made)
    {
        var inputs = new List<OrtValue>(3) { x };
        if (c is not null) inputs.Add(c);
        var outputs = new List<OrtValue>(4) { mu, logvar };
        if (Model.Posterior is not null)
        {
            inputs.Add(DrawsTensor(buffers, buffers.Eps, rows, made, Model.LatentDim));
            outputs.Add(DrawsTensor(buffers, buffers.Z, rows, made, Model.LatentDim));
            outputs.Add(DrawsTensor(buffers, buffers.LogQ, rows, made));
        }
        _encoder!.Run(_runOptions, _encoderInputs, inputs, _encoderOutputs, outputs);
    }

    private void Decode(OrtValue z, OrtValue? c, OrtValue xHat) =>
        _decoder!.Run(_runOptions, _decoderInputs, c is null ? [z] : [z, c], [Model.DecoderOutput], [xHat]);

    /// <summary>
    /// A seeded draw of q(z|x) per row into <see cref="ScoringBuffers.Latent"/>: for a Gaussian posterior mu + exp(logvar/2) eps
    /// with the noise of <see cref="LatentNoise"/> (what <c>VaeSampleLatent</c> draws from the same mu and logvar); for a
    /// flow posterior the same noise through the encoder again, which applies the flow.
    /// </summary>
    private void SamplePosterior(ScoringBuffers buffers, int rows, OrtValue x, OrtValue? c, OrtValue mu, OrtValue logvar, List<OrtValue> made)
    {
        int l = Model.LatentDim;
        if (Model.Posterior is null)
        {
            for (int r = 0; r < rows; r++)
                LatentNoise.GaussianDraw(_seed, buffers.Mu.AsSpan(r * l, l), buffers.LogVar.AsSpan(r * l, l), buffers.Latent.AsSpan(r * l, l));
            return;
        }
        Span<double> eps = stackalloc double[l];
        for (int r = 0; r < rows; r++)
        {
            LatentNoise.Draw(_seed, buffers.Mu.AsSpan(r * l, l), buffers.LogVar.AsSpan(r * l, l), eps);
            for (int j = 0; j < l; j++) buffers.Eps[r * l + j] = (float)eps[j];
        }
        Encode(buffers, rows, x, c, mu, logvar, made);
        buffers.Z.AsSpan(0, rows * l).CopyTo(buffers.Latent);
    }

    /// <summary>The first draw of each row (zero noise: the flow of mu) into <see cref="ScoringBuffers.Latent"/>, the z that is decoded.</summary>
    private void FirstDraws(ScoringBuffers buffers, int rows)
    {
        int l = Model.LatentDim, r = buffers.Draws;
        for (int i = 0; i < rows; i++) buffers.Z.AsSpan(i * r * l, l).CopyTo(buffers.Latent.AsSpan(i * l, l));
    }

    /// <summary>A tensor over <paramref name="array"/> shaped [rows, draws] or [rows, draws, <paramref name="latent"/>]: the noise, z or log q of each row's posterior draws.</summary>
    private static OrtValue DrawsTensor(ScoringBuffers buffers, float[] array, int rows, List<OrtValue> made, int latent = 0) =>
        buffers.Tensor(array, latent == 0 ? [buffers.Draws] : [buffers.Draws, latent], rows, made);

    /// <summary>
    /// The noise of one row of the anomaly score for a flow posterior, [1 + <see cref="FlowKlDraws"/>, L]: zeros (the flow of
    /// mu), then the KL estimate's fixed draws, the same for every row.
    /// </summary>
    public static float[] KlNoise(int latentDim)
    {
        var noise = new float[(1 + FlowKlDraws) * latentDim];
        LatentNoise.Fixed(FlowKlDraws * latentDim, stream: 0x5C0DE).CopyTo(noise, latentDim);
        return noise;
    }

    private void FillKlDraws(ScoringBuffers buffers)
    {
        var noise = KlNoise(Model.LatentDim);
        for (int i = 0; i < buffers.BlockSize; i++) noise.CopyTo(buffers.Eps, i * noise.Length);
    }

    /// <summary>Table pairs: encoder on the block's typed columns (and conditions), decoder of mu (and the conditions) to logits, table score graph.</summary>
    private void RunTable(ScoringBuffers buffers, int rows, OrtValue mu, OrtValue? condition, List<OrtValue> made)
    {
        int d = Model.InputDim, l = Model.LatentDim, c = Model.Table!.Columns.Count;
        var columns = new OrtValue[_tableInputs.Length];
        if (condition is not null) columns[^1] = condition;
        for (int j = 0; j < c; j++)
        {
            var cells = buffers.TableColumns[j];
            if (cells is float[] numbers) columns[j] = buffers.Tensor(numbers, 1, rows, made);
            else
            {
                columns[j] = Loading.TableInputValues.Strings((string?[])cells, rows);
                made.Add(columns[j]);
            }
        }
        var features = buffers.Tensor(buffers.Input, d, rows, made);
        var logvar = buffers.Tensor(buffers.LogVar, l, rows, made);
        var observed = buffers.Tensor(buffers.Observed, c, rows, made);
        var unknown = buffers.Tensor(buffers.Unknown, c, rows, made);
        _encoder!.Run(_runOptions, _tableInputs, columns, TableEncoderOutputs, [mu, logvar, features, observed, unknown]);
        var logits = buffers.Tensor(buffers.XHat, d, rows, made);
        _decoder!.Run(_runOptions, _decoderInputs, condition is null ? [mu] : [mu, condition], [TableGraphNames.Logits], [logits]);
        _score!.Run(_runOptions, TableScoreInputs, [features, observed, unknown, mu, logvar, logits], TableScoreOutputs,
            [buffers.Tensor(buffers.Score, 0, rows, made), buffers.Tensor(buffers.Reconstruction, 0, rows, made),
             buffers.Tensor(buffers.Kl, 0, rows, made), buffers.Tensor(buffers.Contributions, c, rows, made)]);
    }

    private bool Covers(ScoringStage stage) => Stage == stage
        || (Stage == ScoringStage.AnomalyScore && stage is not (ScoringStage.SamplePosterior or ScoringStage.TableScore))
        || (Stage == ScoringStage.TableScore && stage == ScoringStage.Decode)
        || (Stage == ScoringStage.Reconstruct && stage is ScoringStage.Encode or ScoringStage.Decode)
        || (Stage == ScoringStage.SamplePosterior && stage == ScoringStage.Encode);

    /// <inheritdoc />
    public void Dispose()
    {
        while (_pool.TryTake(out var buffers)) buffers.Dispose();
        _encoder?.Dispose();
        _decoder?.Dispose();
        _score?.Dispose();
        _runOptions.Dispose();
    }
}
