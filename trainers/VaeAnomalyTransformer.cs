using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference;

namespace VaeOnnx.Trainers;

/// <summary>
/// The fitted <see cref="VaeAnomalyTrainer"/>: scores data views in blocks through the pair's ONNX Runtime sessions and adds
/// <c>Score</c> (higher is more unusual), <c>PredictedLabel</c> (score at or above <see cref="Threshold"/>, compared in float32), <c>Score_recon</c>
/// and <c>Score_kl</c>, and for a table model <c>Score_contrib</c> (each column's share of the score, the KL shared out) or
/// for a plain model <c>Score_sqerr</c>. <c>mlContext.AnomalyDetection.Evaluate</c> reads it as any anomaly detector's
/// output. <c>mlContext.Model.Save</c> writes the pair's graphs inside the zip; <c>VaeModel.LoadChain</c> brings it back
/// scoring in blocks. Dispose it to close the sessions.
/// </summary>
public sealed class VaeAnomalyTransformer : ITransformer, IDisposable
{
    private readonly MLContext _mlContext;
    private readonly ITransformer _scorer;
    private readonly string? _vectorColumn;

    internal VaeAnomalyTransformer(MLContext mlContext, VaeModel model, ITransformer scorer, float threshold, string? vectorColumn)
    {
        _mlContext = mlContext;
        Model = model;
        _scorer = scorer;
        Threshold = threshold;
        _vectorColumn = vectorColumn;
    }

    /// <summary>The trained pair, loaded.</summary>
    public VaeModel Model { get; }

    /// <summary>The folder of the pair (<c>encoder.onnx</c>, <c>decoder.onnx</c>, <c>model.json</c>), which <c>vae serve</c> and the service load as it is.</summary>
    public string ModelFolder => Path.GetDirectoryName(Model.EncoderPath)!;

    /// <summary>The calibrated score at and above which a row is flagged.</summary>
    public float Threshold { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => _scorer.IsRowToRowMapper;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _scorer.GetOutputSchema(inputSchema);

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _scorer.GetRowToRowMapper(inputSchema);

    /// <inheritdoc />
    public IDataView Transform(IDataView input) => _scorer.Transform(input);

    /// <summary>
    /// <paramref name="count"/> synthetic rows with the training columns: a table model's columns with their spellings and
    /// blank rate (a conditional model's segments in turn), or a plain model's vector column decoded from the prior.
    /// The same seed gives the same rows.
    /// </summary>
    public IDataView Synthesize(int count, int seed)
    {
        if (_vectorColumn is null)
        {
            using var synthesizer = new VaeTableSynthesizer(Model);
            return synthesizer.Sample(count, seed).ToDataView();
        }
        using var decoder = _mlContext.Transforms.VaeDecode(Model, "Z", _vectorColumn).Fit(Model.SamplePrior(_mlContext, count, seed, "Z"));
        var decoded = decoder.Transform(Model.SamplePrior(_mlContext, count, seed, "Z"));
        var values = VectorRows.Read(decoded, decoded.Schema[_vectorColumn]);
        return VectorRows.ToDataView(_mlContext, _vectorColumn, values, Model.InputDim);
    }

    /// <summary>Closes the pair's ONNX Runtime sessions.</summary>
    public void Dispose()
    {
        if (_scorer is TransformerChain<ITransformer> chain)
            foreach (var step in chain) (step as IDisposable)?.Dispose();
        (_scorer as IDisposable)?.Dispose();
    }

    /// <inheritdoc />
    void ICanSaveModel.Save(ModelSaveContext ctx) => _scorer.Save(ctx);
}
