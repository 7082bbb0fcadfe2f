"""The S3 backend (boto3): any S3-compatible store (SeaweedFS, MinIO, Ceph RGW, AWS S3)."""
import os

from rakor.storage import ObjectInfo, ObjectMissingError, check_key
from rakor.storage.base import Storage

MISSING_CODES = {"404", "NoSuchKey", "NotFound"}


class S3Storage(Storage):
    name = "s3"

    def __init__(self, *, endpoint_url, bucket, access_key, secret_key, region="us-east-1"):
        import boto3
        from botocore.config import Config

        if not bucket:
            raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET")
        self.bucket = bucket
        self.endpoint_url = endpoint_url or None
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint_url, aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None, region_name=region or "us-east-1",
            config=Config(s3={"addressing_style": "path"}, connect_timeout=5, read_timeout=60,
                          retries={"max_attempts": 3, "mode": "standard"},
                          # An older S3-compatible server rejects the newer default checksums.
                          request_checksum_calculation="when_required",
                          response_checksum_validation="when_required"))

    @classmethod
    def from_config(cls, config):
        return cls(endpoint_url=config.get("S3_ENDPOINT_URL"), bucket=config.get("S3_BUCKET"),
                   access_key=config.get("S3_ACCESS_KEY_ID"), secret_key=config.get("S3_SECRET_ACCESS_KEY"),
                   region=config.get("S3_REGION") or "us-east-1")

    def __repr__(self):
        return f"<S3Storage {self.endpoint_url or 'aws'} bucket {self.bucket}>"

    def put_file(self, key, path, *, move=True):
        check_key(key)
        with open(path, "rb") as f:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=f)
        if move:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        return self.stat(key)

    def put_bytes(self, key, data: bytes):
        self.client.put_object(Bucket=self.bucket, Key=check_key(key), Body=data)
        return self.stat(key)

    def open(self, key):
        try:
            return self.client.get_object(Bucket=self.bucket, Key=check_key(key))["Body"]
        except self.client.exceptions.NoSuchKey:
            raise ObjectMissingError(key) from None
        except self._client_error() as error:
            if _code(error) in MISSING_CODES:
                raise ObjectMissingError(key) from None
            raise

    def stat(self, key):
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=check_key(key))
        except self._client_error() as error:
            if _code(error) in MISSING_CODES:
                raise ObjectMissingError(key) from None
            raise
        return ObjectInfo(key, head["ContentLength"], head["LastModified"])

    def delete(self, key):
        self.client.delete_object(Bucket=self.bucket, Key=check_key(key))

    def list(self, prefix):
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield ObjectInfo(item["Key"], item["Size"], item["LastModified"])

    def check(self):
        self.client.head_bucket(Bucket=self.bucket)

    @staticmethod
    def _client_error():
        from botocore.exceptions import ClientError

        return ClientError


def _code(error):
    return str(error.response.get("Error", {}).get("Code", ""))
