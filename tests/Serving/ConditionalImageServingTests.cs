using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaeOnnx.Export;
using VaeOnnx.Inference;
using VaeOnnx.Tests.Family;
using VaeOnnx.Training.Sampling;
using VaeOnnx.Training.Trainer;

namespace VaeOnnx.Tests.Serving;

/// <summary>
/// A conditional vector pair (the family's cVAE on the 32-feature prototypes) served: rows and draws take their condition
/// by value name, the answers equal the in-process chains given the same one-hot condition, and a missing, unknown or
/// unwanted condition is a 400 that says what to send.
/// </summary>
[TestClass]
public sealed class ConditionalImageServingTests
{
    private static string _folder = "";
    private static float[][] _rows = [];

    [ClassInitialize]
    public static void TrainPair(TestContext _)
    {
        var (arch, options) = FamilyKinds.Of("cvae");
        var data = FamilyKinds.Data(trainRows: 300, testRows: 20);
        var run = RepoPaths.NewTempFolder("serving-cvae");
        new VaeTrainer(options).Train(arch, data, run).Model.Dispose();
        _folder = Path.Combine(run, "model");
        // A mixture per condition over random codes: what matters here is that the service draws from it as VaeModel does.
        var random = new Random(5);
        var codes = Enumerable.Range(0, 400 * arch.LatentDim).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        var mixture = LatentMixtureFitter.FitPerCondition(codes, Enumerable.Range(0, 400).Select(r => r % 4).ToArray(), arch.LatentDim, 4,
            new MixtureFitOptions { Candidates = [1, 2] });
        VaeOnnxExporter.ExportCheckpoint(run, _folder, parityRows: data.Test.Features, latentMixture: mixture);
        int d = data.Test.FeatureCount;
        _rows = Enumerable.Range(0, 6).Select(r => data.Test.Features.AsSpan(r * d, d).ToArray()).ToArray();
    }

    private static readonly string[] Conditions = ["a", "b", "c", "d", "a", "c"];

    [TestMethod]
    public async Task RowsAndDrawsTakeTheConditionByNameAndEqualTheInProcessChains()
    {
        using var factory = new ServiceFactory(ServingFolders.CopyOf(_folder));
        using var client = factory.CreateClient();
        var model = VaeModel.Load(_folder);
        var expected = InProcess(model, _rows, Conditions);

        var body = JsonSerializer.Serialize(new { rows = _rows, condition = Conditions });
        var score = (await ServingApiTests.PostAsync(client, "/score", body)).GetProperty("results").EnumerateArray().ToArray();
        var encoded = (await ServingApiTests.PostAsync(client, "/encode", body)).GetProperty("results").EnumerateArray().ToArray();
        var reconstructed = (await ServingApiTests.PostAsync(client, "/reconstruct", body)).GetProperty("results").EnumerateArray().ToArray();
        for (int r = 0; r < _rows.Length; r++)
        {
            Assert.AreEqual(expected.Scores[r], score[r].GetProperty("score").GetSingle(), $"row {r}");
            CollectionAssert.AreEqual(expected.Mu[r], ServingApiTests.Floats(encoded[r].GetProperty("mu")), $"row {r}");
            CollectionAssert.AreEqual(expected.XHat[r], ServingApiTests.Floats(reconstructed[r].GetProperty("x_hat")), $"row {r}");
        }
        // The condition changes the answer: the same row under another class scores differently.
        var asD = (await ServingApiTests.PostAsync(client, "/score", JsonSerializer.Serialize(new { rows = _rows[..1], condition = "d" })))
            .GetProperty("results")[0].GetProperty("score").GetSingle();
        Assert.AreEqual(InProcess(model, _rows[..1], ["d"]).Scores[0], asD);
        Assert.AreNotEqual(expected.Scores[0], asD);

        var draws = (await ServingApiTests.PostAsync(client, "/sample", "{\"count\": 4, \"seed\": 3, \"condition\": \"c\"}")).GetProperty("results").EnumerateArray().ToArray();
        var z = draws.Select(d => ServingApiTests.Floats(d.GetProperty("z"))).ToArray();
        var decodedHere = Decode(model, z, "c");
        for (int r = 0; r < z.Length; r++) CollectionAssert.AreEqual(decodedHere[r], ServingApiTests.Floats(draws[r].GetProperty("x_hat")), $"draw {r}");
        var decoded = (await ServingApiTests.PostAsync(client, "/decode", JsonSerializer.Serialize(new { rows = z, condition = "c" }))).GetProperty("results").EnumerateArray().ToArray();
        for (int r = 0; r < z.Length; r++) CollectionAssert.AreEqual(decodedHere[r], ServingApiTests.Floats(decoded[r].GetProperty("x_hat")), $"decode {r}");

        var card = await client.GetFromJsonAsync<JsonElement>("/model");
        CollectionAssert.AreEqual(new[] { "a", "b", "c", "d" }, card.GetProperty("condition").GetProperty("classes").EnumerateArray().Select(c => c.GetString()).ToArray());
    }

    [TestMethod]
    public async Task TheMixtureSamplerDrawsWhatVaeModelDrawsForTheCondition()
    {
        using var factory = new ServiceFactory(ServingFolders.CopyOf(_folder));
        using var client = factory.CreateClient();
        var model = VaeModel.Load(_folder);
        var card = await client.GetFromJsonAsync<JsonElement>("/model");
        CollectionAssert.AreEqual(new[] { "prior", "gmm" }, card.GetProperty("samplers").EnumerateArray().Select(s => s.GetString()).ToArray());
        var draws = (await ServingApiTests.PostAsync(client, "/sample", "{\"count\": 5, \"seed\": 4, \"sampler\": \"gmm\", \"condition\": \"b\"}"))
            .GetProperty("results").EnumerateArray().ToArray();
        var expected = model.Sample(new MLContext(1), 5, 4, LatentSampler.Gmm, "Z", "b").GetColumn<float[]>("Z").ToArray();
        var decoded = Decode(model, expected, "b");
        for (int r = 0; r < 5; r++)
        {
            CollectionAssert.AreEqual(expected[r], ServingApiTests.Floats(draws[r].GetProperty("z")), $"draw {r}");
            CollectionAssert.AreEqual(decoded[r], ServingApiTests.Floats(draws[r].GetProperty("x_hat")), $"draw {r}");
        }
        var refused = await ServingApiTests.PostAsync(client, "/sample", "{\"count\": 5, \"sampler\": \"kde\", \"condition\": \"b\"}", HttpStatusCode.BadRequest);
        Assert.AreEqual("'sampler' is \"kde\"; expected prior or gmm", refused.GetProperty("detail").GetString());

        using var plain = new ServiceFactory(ServingFolders.CopyOf(ServingFolders.SensorsA));
        using var plainClient = plain.CreateClient();
        var none = await ServingApiTests.PostAsync(plainClient, "/sample", "{\"count\": 2, \"sampler\": \"gmm\"}", HttpStatusCode.BadRequest);
        StringAssert.StartsWith(none.GetProperty("detail").GetString(), "pair ");
        StringAssert.EndsWith(none.GetProperty("detail").GetString(), " stores no latent mixture; export it with --latent-mixture to draw with \"sampler\": \"gmm\", or use \"prior\"");
        var plainCard = await plainClient.GetFromJsonAsync<JsonElement>("/model");
        Assert.AreEqual("[\"prior\"]", plainCard.GetProperty("samplers").GetRawText());
    }

    [TestMethod]
    public async Task BinaryRowsTakeTheConditionFromTheQuery()
    {
        using var factory = new ServiceFactory(ServingFolders.CopyOf(_folder));
        using var client = factory.CreateClient();
        var content = new ByteArrayContent(_rows.SelectMany(r => r).SelectMany(BitConverter.GetBytes).ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        using var response = await client.PostAsync("/score?condition=b", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, text);
        var scores = JsonDocument.Parse(text).RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("score").GetSingle()).ToArray();
        CollectionAssert.AreEqual(InProcess(VaeModel.Load(_folder), _rows, Enumerable.Repeat("b", _rows.Length).ToArray()).Scores, scores);
    }

    [TestMethod]
    public async Task AMissingUnknownOrUnwantedConditionIs400SayingWhatToSend()
    {
        using var factory = new ServiceFactory(ServingFolders.CopyOf(_folder));
        using var client = factory.CreateClient();
        async Task<string> Refused(string path, string body)
        {
            var problem = await ServingApiTests.PostAsync(client, path, body, HttpStatusCode.BadRequest);
            return problem.GetProperty("detail").GetString()!;
        }
        var rows = JsonSerializer.Serialize(_rows[..2]);
        Assert.AreEqual("the pair is conditional on 'label': send \"condition\": one of a, b, c, d (or an array of one per row)",
            await Refused("/score", $"{{\"rows\": {rows}}}"));
        Assert.AreEqual("rows[1], condition 'label': 'Sneaker' is not one of its values; expected one of a, b, c, d",
            await Refused("/encode", $"{{\"rows\": {rows}, \"condition\": [\"a\", \"Sneaker\"]}}"));
        Assert.AreEqual("'condition' has 3 values for 2 rows; expected one value for every row, or one per row",
            await Refused("/reconstruct", $"{{\"rows\": {rows}, \"condition\": [\"a\", \"b\", \"c\"]}}"));
        Assert.AreEqual("'condition' is a number; expected a condition value as a string, or an array of one string per row",
            await Refused("/score", $"{{\"rows\": {rows}, \"condition\": 7}}"));
        Assert.AreEqual("the pair is conditional on 'label': send \"condition\": one of a, b, c, d (or an array of one per row)",
            await Refused("/sample", "{\"count\": 2}"));

        using var plain = new ServiceFactory(ServingFolders.CopyOf(ServingFolders.SensorsA));
        using var plainClient = plain.CreateClient();
        var problem = await ServingApiTests.PostAsync(plainClient, "/score", "{\"rows\": [[1, 2, 3, 4, 5]], \"condition\": \"a\"}", HttpStatusCode.BadRequest);
        Assert.AreEqual("the pair has no condition; send the rows without 'condition'", problem.GetProperty("detail").GetString());
    }

    private sealed record Expected(float[] Scores, float[][] Mu, float[][] XHat);

    private sealed class ConditionedRow
    {
        public float[] Features { get; set; } = [];
        public float[] Condition { get; set; } = [];
    }

    private static IDataView View(MLContext ml, VaeModel model, float[][] rows, string[] conditions, int width)
    {
        var schema = SchemaDefinition.Create(typeof(ConditionedRow));
        schema[nameof(ConditionedRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        schema[nameof(ConditionedRow.Condition)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, model.ConditionDim);
        return ml.Data.LoadFromEnumerable(rows.Select((r, i) => new ConditionedRow { Features = r, Condition = model.ConditionVector(conditions[i]) }), schema);
    }

    private static Expected InProcess(VaeModel model, float[][] rows, string[] conditions)
    {
        var ml = new MLContext(1);
        var view = View(ml, model, rows, conditions, model.InputDim);
        var scored = ml.Transforms.VaeEncode(model, conditionColumn: "Condition")
            .Append(ml.Transforms.VaeReconstruct(model, conditionColumn: "Condition"))
            .Append(ml.Transforms.VaeAnomalyScore(model, conditionColumn: "Condition")).Fit(view).Transform(view);
        float[][] Vectors(string column) => scored.GetColumn<VBuffer<float>>(column).Select(v => v.DenseValues().ToArray()).ToArray();
        return new Expected(scored.GetColumn<float>("Score").ToArray(), Vectors("Mu"), Vectors("Reconstruction"));
    }

    private static float[][] Decode(VaeModel model, float[][] z, string condition)
    {
        var ml = new MLContext(1);
        var view = View(ml, model, z, Enumerable.Repeat(condition, z.Length).ToArray(), model.LatentDim);
        var decoded = ml.Transforms.VaeDecode(model, "Features", "XHat", conditionColumn: "Condition").Fit(view).Transform(view);
        return decoded.GetColumn<VBuffer<float>>("XHat").Select(v => v.DenseValues().ToArray()).ToArray();
    }
}
