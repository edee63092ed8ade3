namespace VaeOnnx.Serving.Rows;

/// <summary>
/// How a request gives one feature's value. Only numbers today; typed table columns (categories, missing values) add
/// kinds here and a reader for each in <see cref="RowsReader"/>, without changing the request format.
/// </summary>
public enum FeatureKind
{
    /// <summary>A JSON number, read as float32.</summary>
    Numeric,
}
