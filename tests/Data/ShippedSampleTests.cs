using VaeOnnx.Training.Data;

namespace VaeOnnx.Tests.Data;

[TestClass]
public sealed class ShippedSampleTests
{
    public static string Folder => Path.Combine(RepoPaths.Root, "samples", "fashion-mnist");

    [TestMethod]
    public void ShippedSampleIsTheFirstRowsOfFashionMnist()
    {
        var (train, test) = MnistFamilyFolder.Load(Folder);
        Assert.AreEqual(4000, train.Rows);
        Assert.AreEqual(1000, test.Rows);
        var (fullTrain, fullTest) = MnistFamilyFolder.Load(MnistFamilyFolder.DefaultFashionMnistFolder);
        CollectionAssert.AreEqual(fullTrain.Take(4000).Features, train.Features);
        CollectionAssert.AreEqual(fullTrain.Take(4000).Labels, train.Labels);
        CollectionAssert.AreEqual(fullTest.Take(1000).Features, test.Features);
        Assert.IsTrue(Directory.GetFiles(Folder, "*.gz").Sum(f => new FileInfo(f).Length) < 5_000_000);
    }
}
