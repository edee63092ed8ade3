using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using VaeOnnx.Contract;
using VaeOnnx.Inference.DataView;
using VaeOnnx.Inference.Scoring;

namespace VaeOnnx.Inference.Transforms;

/// <summary>
/// Scores the rows of a business table with a table pair: the input is the table's own columns, by name (text, numbers with
/// NaN for a blank, booleans; see <see cref="TableSchema"/>), and the outputs are <c>{scoreColumn}</c> (the negative ELBO
/// with z = mu; higher is more unusual), <c>{scoreColumn}_recon</c> and <c>{scoreColumn}_kl</c> (its parts),
/// <c>{scoreColumn}_contrib</c> (a vector with one value per table column, slot names the column names: each column's share
/// of the whole score in nats, the KL shared out, summing to it) and <c>{anomalyColumn}</c> (true when the score is at or above
/// the threshold calibrated at export, in float32). A category or flag spelling never seen in training, a blank where training
/// had none, or a number far outside the training range never fails: it is the row's top contribution and flags the row
/// (the rule is the score graph's, described in the README's Business tables section). A conditional table pair
/// (<see cref="VaeModel.Condition"/>) also reads each row's condition from the column the model was conditioned on (named
/// <see cref="ConditionSpec.Column"/>, text); a value that is not one of its classes fails, naming the row and the column.
/// </summary>
public sealed class VaeTableScoreEstimator : VaeEstimatorBase<VaeTableScoreTransformer>
{
    private readonly string _score, _anomaly;

    internal VaeTableScoreEstimator(TransformsCatalog catalog, VaeModel model, string scoreColumn, string anomalyColumn) : base(catalog, model)
    {
        if (model.Table is null)
            throw new ArgumentException($"{model.EncoderPath}: not a table pair (its metadata has no {VaeMetadataKeys.TableSchema}); score it with VaeAnomalyScore", nameof(model));
        (_score, _anomaly) = (scoreColumn, anomalyColumn);
    }

    /// <summary>The score column's name unless one is given.</summary>
    public const string DefaultScoreColumn = "Score";

    /// <summary>The anomaly flag column's name unless one is given.</summary>
    public const string DefaultAnomalyColumn = "IsAnomaly";

    /// <summary>The name of the contributions column for a score column named <paramref name="scoreColumn"/>.</summary>
    public static string ContributionsColumn(string scoreColumn) => $"{scoreColumn}_contrib";

    /// <summary>The table's columns by name and, for a conditional pair, the condition column (read as a category).</summary>
    private protected override IReadOnlyList<RequiredInput> Inputs =>
        [.. Model.Table!.Columns.Select(c => RequiredInput.TableCell(c.Name, c.Kind)),
         .. Model.Condition is { } condition ? [RequiredInput.TableCell(condition.Column, ColumnKind.Categorical)] : Array.Empty<RequiredInput>()];

    private protected override IReadOnlyList<ScoredColumn> Outputs =>
    [
        new(_score, ScoredValue.Score, NumberDataViewType.Single),
        new(VaeScoreParts.Column(_score, VaeScoreParts.Reconstruction), ScoredValue.Reconstruction, NumberDataViewType.Single),
        new(VaeScoreParts.Column(_score, VaeScoreParts.Kl), ScoredValue.Kl, NumberDataViewType.Single),
        new(ContributionsColumn(_score), ScoredValue.Contributions, new VectorDataViewType(NumberDataViewType.Single, Model.Table!.Columns.Count)),
        new(_anomaly, ScoredValue.IsAnomaly, BooleanDataViewType.Instance),
    ];

    private protected override VaeTableScoreTransformer Create(DataViewSchema inputSchema) =>
        new(Model.PairId, Plan(new TableScorePass(Model)) with { Table = Model.Table }, () => SavedForm(Catalog, Model, inputSchema, _score, _anomaly), inputSchema);

    /// <summary>
    /// A table pair's score as stock transformers: each column the encoder reads as the graph's type (numbers given as
    /// Double, Int32, Int64 or Boolean converted to Single; flags given as Boolean mapped to the file's spellings; category
    /// codes given as numbers converted to text), a conditional pair's condition column one-hot (<see cref="ConditionOneHotGraph"/>,
    /// which refuses an unknown value), the encoder, the decoder of mu, and the score graph with row-typed outputs
    /// (<see cref="TableScoreGraph"/>) copied to the transformer's columns; the user's own columns come back as they were.
    /// A <see cref="SavedSegment"/> marker lets <c>VaeModel.LoadChain</c> put the block transformer back.
    /// <paramref name="fitSchema"/> is the schema the transformer was fitted on.
    /// </summary>
    private static IEstimator<ITransformer> SavedForm(TransformsCatalog c, VaeModel m, DataViewSchema fitSchema, string scoreColumn, string anomalyColumn)
    {
        var schema = m.Table!;
        var graphValues = m.Condition is null ? TableGraphNames.Reserved : [.. TableGraphNames.Reserved, m.EncoderConditionInput!, m.DecoderConditionInput!];
        var clash = fitSchema.Where(k => !k.IsHidden).Select(k => k.Name).FirstOrDefault(n => graphValues.Contains(n) || n.StartsWith(SavedChain.Prefix, StringComparison.Ordinal));
        if (clash is not null)
            throw new NotSupportedException($"the input has a column '{clash}', a name the saved chain uses for the pair's own values ({string.Join(", ", graphValues)}, {SavedChain.Prefix}...); rename it before saving");
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>();
        var restore = new List<string>();
        foreach (var column in schema.Columns)
        {
            var given = fitSchema[column.Name].Type;
            var conversion = Conversion(c, column, given);
            if (conversion is null) continue;
            // Keep the user's column under another name, give the encoder its type, and put the user's back at the end.
            chain = chain.Append(c.CopyColumns(SavedChain.Prefix + "user." + column.Name, column.Name)).Append(conversion);
            restore.Add(column.Name);
        }
        string[] encoderOutputs = [TableGraphNames.Mu, TableGraphNames.LogVar, TableGraphNames.Features, TableGraphNames.Observed, TableGraphNames.Unknown];
        var parts = new[] { VaeScoreParts.Score, VaeScoreParts.Reconstruction, VaeScoreParts.Kl, TableScoreGraph.Contributions, TableScoreGraph.IsAnomaly };
        string[] encoderInputs = [.. schema.Columns.Select(k => k.Name)], decoderInputs = [TableGraphNames.Z];
        if (m.Condition is { } condition)
        {
            if (fitSchema[condition.Column].Type is not TextDataViewType)
                throw new NotSupportedException($"condition column '{condition.Column}' is {fitSchema[condition.Column].Type}; the saved chain reads it as Text (one of {string.Join(", ", condition.Classes)})");
            chain = chain.Append(SavedChain.Onnx(c, ConditionOneHotGraph.Build(condition, m.EncoderConditionInput!), [condition.Column], [m.EncoderConditionInput!]))
                .Append(SavedChain.Copy(c, m.DecoderConditionInput!, m.EncoderConditionInput!));
            encoderInputs = [.. encoderInputs, m.EncoderConditionInput!];
            decoderInputs = [TableGraphNames.Z, m.DecoderConditionInput!];
        }
        chain = chain
            .Append(SavedChain.Onnx(c, m.EncoderBytes, encoderInputs, encoderOutputs))
            .Append(c.CopyColumns(TableGraphNames.Z, TableGraphNames.Mu))
            .Append(SavedChain.Onnx(c, m.DecoderBytes, decoderInputs, [TableGraphNames.Logits]))
            .Append(SavedChain.Onnx(c, TableScoreGraph.Build(m.Table!, m.LatentDim, m.DecoderLogVar, m.PairId, rowOutputs: true, outputPrefix: SavedChain.Prefix),
                [TableGraphNames.Features, TableGraphNames.Observed, TableGraphNames.Unknown, TableGraphNames.Mu, TableGraphNames.LogVar, TableGraphNames.Logits],
                parts.Select(p => SavedChain.Prefix + p).ToArray()))
            .Append(c.CustomMapping<VaeTableScoreVectors, VaeTableScoreScalars>(VaeTableScoreScalarMapping.Map, VaeTableScoreScalarMapping.ContractName))
            .Append(c.CopyColumns(scoreColumn, SavedChain.Prefix + VaeScoreParts.Score + "_value"))
            .Append(c.CopyColumns(VaeScoreParts.Column(scoreColumn, VaeScoreParts.Reconstruction), SavedChain.Prefix + VaeScoreParts.Reconstruction + "_value"))
            .Append(c.CopyColumns(VaeScoreParts.Column(scoreColumn, VaeScoreParts.Kl), SavedChain.Prefix + VaeScoreParts.Kl + "_value"))
            .Append(c.CopyColumns(ContributionsColumn(scoreColumn), SavedChain.Prefix + TableScoreGraph.Contributions))
            .Append(c.CopyColumns(anomalyColumn, SavedChain.Prefix + TableScoreGraph.IsAnomaly + "_value"));
        foreach (var name in restore) chain = chain.Append(c.CopyColumns(name, SavedChain.Prefix + "user." + name));
        chain = chain.Append(SavedChain.Drop(c, [.. encoderOutputs, TableGraphNames.Z, TableGraphNames.Logits, .. parts.Select(p => SavedChain.Prefix + p),
            .. parts.Where(p => p != TableScoreGraph.Contributions).Select(p => SavedChain.Prefix + p + "_value"), .. restore.Select(n => SavedChain.Prefix + "user." + n),
            .. m.Condition is null ? [] : new[] { m.EncoderConditionInput!, m.DecoderConditionInput! }]));
        // The marker copies the first table column: the block transformer that VaeModel.LoadChain puts back reads the
        // columns (and a condition column) by the names the pair's schema records.
        var marker = SavedSegment.For(m, SavedStepKind.TableScore, scoreColumn, anomalyColumn).ColumnName;
        return c.CopyColumns(marker, schema.Columns[0].Name).Append(chain).Append(c.DropColumns(marker));
    }

    /// <summary>The stock conversion of a column given as <paramref name="given"/> to what the encoder reads, null when it already is; refused where no stock transformer converts it as the live transformer does.</summary>
    private static IEstimator<ITransformer>? Conversion(TransformsCatalog c, TableColumn column, DataViewType given)
    {
        var name = column.Name;
        if (column.IsText)
        {
            if (given is TextDataViewType) return null;
            if (given is BooleanDataViewType)
                return c.Conversion.MapValue(name, new[] { new KeyValuePair<bool, string>(true, column.TrueText ?? "true"), new KeyValuePair<bool, string>(false, column.FalseText ?? "false") }, name);
            if (given == NumberDataViewType.Single || given == NumberDataViewType.Double || given == NumberDataViewType.Int32 || given == NumberDataViewType.Int64)
                return c.Conversion.ConvertType(name, name, DataKind.String);
        }
        else
        {
            if (given == NumberDataViewType.Single) return null;
            if (given is BooleanDataViewType || given == NumberDataViewType.Double || given == NumberDataViewType.Int32 || given == NumberDataViewType.Int64)
                return c.Conversion.ConvertType(name, name, DataKind.Single);
        }
        // ML.NET's text-to-number conversion reads a blank cell as 0, where the live transformer reads it as missing.
        throw new NotSupportedException($"column '{name}' is {given}; the saved chain reads a {EnumText.Of(column.Kind)} column from {(column.IsText ? "Text, Boolean or a number" : "Single, Double, Int32, Int64 or Boolean")} (convert it before VaeTableScore to save the chain)");
    }
}

/// <summary>
/// The fitted form of <see cref="VaeTableScoreEstimator"/>. It scores whole data views in blocks and single rows through
/// <c>PredictionEngine</c>. <c>mlContext.Model.Save</c> writes it as ML.NET's own transformers (see the estimator's saved
/// form): ML.NET's OnnxTransformer feeds the encoder's [N,1] string inputs from Text
/// columns, one row at a time; the loaded chain gives the same columns and numbers, except that it does not trim text
/// cells, has no slot names on the contributions, and refuses (at save) a numeric column given as Text.
/// <c>VaeModel.LoadChain</c> reads the step's marker and returns this transformer again, scoring in blocks.
/// </summary>
public sealed class VaeTableScoreTransformer : VaeTransformerBase
{
    internal VaeTableScoreTransformer(string pairId, ScoringPlan plan, Func<IEstimator<ITransformer>> savedForm, DataViewSchema fitSchema)
        : base(pairId, plan, savedForm, fitSchema)
    {
    }
}

/// <summary>
/// Turns the saved table score graph's one-element vectors into single values. Like <see cref="VaeScoreScalarMapping"/>
/// it is an ML.NET custom mapping saved by contract name: call <see cref="VaeModel.Register"/> before loading a saved
/// chain with a table score.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class VaeTableScoreScalarMapping : CustomMappingFactory<VaeTableScoreVectors, VaeTableScoreScalars>
{
    /// <summary>The contract name stored in saved models.</summary>
    public const string ContractName = "VaeOnnx.TableScoreScalars";

    /// <summary>The mapping itself.</summary>
    public static void Map(VaeTableScoreVectors input, VaeTableScoreScalars output)
    {
        output.Score = input.Score[0];
        output.Reconstruction = input.Reconstruction[0];
        output.Kl = input.Kl[0];
        output.IsAnomaly = input.IsAnomaly[0];
    }

    /// <inheritdoc />
    public override Action<VaeTableScoreVectors, VaeTableScoreScalars> GetMapping() => Map;
}

/// <summary>The saved table score graph's one-row outputs as ML.NET reads them: one-element vectors (ONNX [1]).</summary>
internal sealed class VaeTableScoreVectors
{
    /// <summary>Negative ELBO with z = mu.</summary>
    [ColumnName(SavedChain.Prefix + "score"), VectorType(1)] public float[] Score { get; set; } = [];
    /// <summary>Reconstruction term.</summary>
    [ColumnName(SavedChain.Prefix + "recon"), VectorType(1)] public float[] Reconstruction { get; set; } = [];
    /// <summary>KL term.</summary>
    [ColumnName(SavedChain.Prefix + "kl"), VectorType(1)] public float[] Kl { get; set; } = [];
    /// <summary>Score at or above the pair's threshold.</summary>
    [ColumnName(SavedChain.Prefix + "is_anomaly"), VectorType(1)] public bool[] IsAnomaly { get; set; } = [];
}

/// <summary>A table score, its parts and the anomaly flag as single values.</summary>
internal sealed class VaeTableScoreScalars
{
    /// <summary>Negative ELBO with z = mu.</summary>
    [ColumnName(SavedChain.Prefix + "score_value")] public float Score { get; set; }
    /// <summary>Reconstruction term.</summary>
    [ColumnName(SavedChain.Prefix + "recon_value")] public float Reconstruction { get; set; }
    /// <summary>KL term.</summary>
    [ColumnName(SavedChain.Prefix + "kl_value")] public float Kl { get; set; }
    /// <summary>Score at or above the pair's threshold.</summary>
    [ColumnName(SavedChain.Prefix + "is_anomaly_value")] public bool IsAnomaly { get; set; }
}
