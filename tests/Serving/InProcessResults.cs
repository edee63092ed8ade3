using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Inference;
using VaeOnnx.Tests.Inference;

namespace VaeOnnx.Tests.Serving;

/// <summary>What the ML.NET chains compute in process for some rows: the figures the service and the host must give.</summary>
internal sealed record InProcessResults(string PairId, float[][] Mu, float[][] LogVar, float[][] XHat, float[][] ScoreParts)
{
    public static InProcessResults Of(string folder, float[][] rows)
    {
        var ml = new MLContext(1);
        var model = VaeModel.Load(folder);
        var view = FeatureRow.View(ml, rows, model.InputDim);
        var scored = ml.Transforms.VaeEncode(model).Append(ml.Transforms.VaeReconstruct(model)).Append(ml.Transforms.VaeAnomalyScore(model)).Fit(view).Transform(view);
        float[][] Vectors(string column) => scored.GetColumn<VBuffer<float>>(column).Select(v => v.DenseValues().ToArray()).ToArray();
        var parts = VaeScoreParts.All.Select(p => scored.GetColumn<float>(VaeScoreParts.Column("Score", p)).ToArray()).ToArray();
        return new InProcessResults(model.PairId, Vectors("Mu"), Vectors("LogVar"), Vectors("Reconstruction"),
            Enumerable.Range(0, rows.Length).Select(r => parts.Select(p => p[r]).ToArray()).ToArray());
    }

    /// <summary>Decodes latent rows in process.</summary>
    public static float[][] Decode(string folder, float[][] z)
    {
        var ml = new MLContext(1);
        var model = VaeModel.Load(folder);
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, model.LatentDim);
        var view = ml.Data.LoadFromEnumerable(z.Select(r => new FeatureRow { Features = r }), schema);
        var decoded = ml.Transforms.VaeDecode(model, "Features", "XHat").Fit(view).Transform(view);
        return decoded.GetColumn<VBuffer<float>>("XHat").Select(v => v.DenseValues().ToArray()).ToArray();
    }
}
