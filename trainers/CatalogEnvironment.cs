using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace VaeOnnx.Trainers;

/// <summary>
/// The MLContext behind a trainer catalog, and its seed. ML.NET keeps both internal (the catalog's environment behind
/// <c>Microsoft.ML.Data.IInternalCatalog</c>, the seed behind <c>Microsoft.ML.Runtime.IHostEnvironmentInternal</c>), and
/// its own trainers reach them as friend assemblies; a trainer from another package reads them by reflection. Where a
/// later ML.NET moves them, the trainer goes on without: seed 1 (as ML.NET's TorchSharp trainers take for a context
/// without a seed) and no log messages.
/// </summary>
internal static class CatalogEnvironment
{
    private static readonly PropertyInfo? EnvironmentProperty =
        typeof(MLContext).Assembly.GetType("Microsoft.ML.Data.IInternalCatalog")?.GetProperty("Environment");

    private static readonly PropertyInfo? SeedProperty =
        typeof(IHostEnvironment).Assembly.GetType("Microsoft.ML.Runtime.IHostEnvironmentInternal")?.GetProperty("Seed");

    /// <summary>The environment <paramref name="catalog"/> was made by (the MLContext's), or null where it cannot be read.</summary>
    public static IHostEnvironment? Of(AnomalyDetectionCatalog.AnomalyDetectionTrainers catalog) =>
        EnvironmentProperty?.DeclaringType?.IsInstanceOfType(catalog) == true ? EnvironmentProperty.GetValue(catalog) as IHostEnvironment : null;

    /// <summary>The seed the MLContext was made with; null for a context made without one, or where it cannot be read.</summary>
    public static int? Seed(IHostEnvironment? environment) =>
        environment is not null && SeedProperty?.DeclaringType?.IsInstanceOfType(environment) == true ? SeedProperty.GetValue(environment) as int? : null;
}
